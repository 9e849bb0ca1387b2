import { randomUUID } from 'node:crypto';
import busboy from 'busboy';
import { Router, type Request } from 'express';
import { DomainError } from '../../errors';
import { authenticate, sendError, sendFailure, type RouteOptions } from '../../http/routes';

/**
 * Plain HTTP for archive files (GraphQL carries no bytes):
 *
 *   POST /files      multipart/form-data, one part named `file`; `Authorization: Bearer …`;
 *                    optional `Idempotency-Key` header (or form field `idempotencyKey`).
 *                    201 {id, sha256, size, contentType, fileName, downloadPath}. Attach the id to
 *                    an archive document with addArchiveDocument / correctArchiveDocument.
 *   GET /files/:id   the bytes, for readers entitled to the case's personal data in clear;
 *                    every download is audited first.
 *
 * Errors as every plain route's (src/http/routes.ts); a file over FILE_MAX_BYTES is refused with 413.
 */

/** Multipart framing around one file: boundaries, part headers, a short field or two. */
const MULTIPART_OVERHEAD = 64 * 1024;

function mibText(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MB`
    : `${bytes} 字节`;
}

interface ParsedUpload {
  fileName: string | null;
  contentType: string;
  content: Buffer;
  tooLarge: boolean;
  problems: string[];
  idempotencyKey: string | null;
}

/** Reads the multipart body to its end (bytes past the limit are discarded, not kept). */
function readUpload(req: Request, maxBytes: number): Promise<ParsedUpload> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        // busboy reports 'limit' on reaching fileSize, so one byte more: a file of exactly maxBytes passes.
        limits: { files: 1, fileSize: maxBytes + 1, fields: 4, fieldSize: 1024, parts: 6 },
        // File names as browsers send them (UTF-8), not latin1.
        defParamCharset: 'utf8',
      });
    } catch {
      reject(new DomainError('BAD_USER_INPUT', '请求不是有效的 multipart/form-data'));
      return;
    }
    const out: ParsedUpload = {
      fileName: null,
      contentType: 'application/octet-stream',
      content: Buffer.alloc(0),
      tooLarge: false,
      problems: [],
      idempotencyKey: null,
    };
    const chunks: Buffer[] = [];
    bb.on('file', (name, stream, info) => {
      if (name !== 'file') {
        out.problems.push(`未知的文件字段 ${name.slice(0, 50)}（文件字段名应为 file）`);
        stream.resume();
        return;
      }
      out.fileName = info.filename ?? null;
      out.contentType = info.mimeType || 'application/octet-stream';
      stream.on('data', (chunk: Buffer) => {
        if (!out.tooLarge) chunks.push(chunk);
      });
      stream.on('limit', () => {
        out.tooLarge = true;
        chunks.length = 0;
      });
    });
    bb.on('field', (name, value) => {
      if (name === 'idempotencyKey') out.idempotencyKey = value;
    });
    bb.on('filesLimit', () => out.problems.push('一次只能上传一个文件'));
    bb.on('error', (e) => reject(e));
    bb.on('close', () => {
      out.content = Buffer.concat(chunks);
      resolve(out);
    });
    req.pipe(bb);
  });
}

export function createFileRouter(opts: RouteOptions): Router {
  const { deps, logger } = opts;
  const router = Router();
  const maxBytes = deps.config.fileMaxBytes;

  router.post('/files', async (req, res) => {
    const requestId = (req.headers['x-request-id'] as string) || randomUUID();
    try {
      const { actor, services } = await authenticate(req, opts);
      if (actor.role !== 'CASE_OFFICER') {
        req.resume();
        return sendError(res, 'FORBIDDEN', '只有经办人员可以上传档案材料');
      }
      if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
        req.resume();
        return sendError(res, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传，文件字段名为 file');
      }
      const tooLargeMessage = `文件超过大小上限 ${mibText(maxBytes)}（${maxBytes} 字节），未保存`;
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) {
        // Refused before reading: the client is told at once and the connection is not reused.
        res.setHeader('Connection', 'close');
        sendError(res, 'PAYLOAD_TOO_LARGE', tooLargeMessage, { maxBytes });
        req.resume();
        return;
      }
      const upload = await readUpload(req, maxBytes);
      if (upload.tooLarge) return sendError(res, 'PAYLOAD_TOO_LARGE', tooLargeMessage, { maxBytes });
      if (upload.problems.length || upload.fileName === null) {
        const message = upload.problems.length ? upload.problems.join('；') : '缺少文件（字段名应为 file）';
        return sendError(res, 'BAD_USER_INPUT', `输入有误：${message}`, {
          fields: [{ field: 'file', message }],
        });
      }
      const headerKey = req.headers['idempotency-key'];
      const file = await services.followup.files.upload(actor, {
        fileName: upload.fileName,
        contentType: upload.contentType,
        content: upload.content,
        idempotencyKey: (typeof headerKey === 'string' ? headerKey : null) ?? upload.idempotencyKey,
      });
      res.status(201).json({
        id: String(file.id),
        sha256: file.sha256,
        size: file.sizeBytes,
        contentType: file.contentType,
        fileName: services.followup.files.openName(file),
        downloadPath: `/files/${file.id}`,
      });
    } catch (e) {
      req.resume();
      sendFailure(res, e, logger, requestId, 'file');
    }
  });

  router.get('/files/:id', async (req, res) => {
    const requestId = (req.headers['x-request-id'] as string) || randomUUID();
    try {
      const { actor, services } = await authenticate(req, opts);
      const id = /^[1-9][0-9]{0,9}$/.test(req.params.id) ? Number(req.params.id) : NaN;
      const d = await services.followup.files.download(actor, id);
      const ascii = d.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
      res.status(200);
      res.setHeader('Content-Type', d.contentType);
      res.setHeader('Content-Length', String(d.content.length));
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(d.fileName)}`,
      );
      res.setHeader('X-Content-SHA256', d.file.sha256);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.end(d.content);
    } catch (e) {
      sendFailure(res, e, logger, requestId, 'file');
    }
  });

  return router;
}
