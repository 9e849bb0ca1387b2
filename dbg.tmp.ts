import fs from 'fs';
import { profileContent, compareContent } from './src/modules/sharing/duplicate-method';
const dir = process.argv[2];
const cases = fs.readFileSync(dir+'/import.jsonl','utf8').split('\n').filter(l=>l.includes('"termination"')).map(l=>JSON.parse(l));
const qs = fs.readFileSync(dir+'/queries.jsonl','utf8').split('\n').filter(Boolean).map(l=>JSON.parse(l)).filter(q=>q.label==='UNRELATED');
const rows = qs.map(q => { const p = profileContent(q.input.content); let best = {s:0, ref:'', t:0}; for (const c of cases) { const r = compareContent(p, {text: c.factsAndReasons+'\n'+c.requests}); if (r.contentSimilarity > best.s) best = {s: r.contentSimilarity, ref: c.externalRef, t: r.textSimilarity}; } return {q, best}; }).sort((a,b)=>b.best.s-a.best.s).slice(0,3);
for (const r of rows) { console.log(r.best, r.q.input.content.slice(0,120)); const c = cases.find(c=>c.externalRef===r.best.ref); console.log('   ', c.factsAndReasons.slice(0,120)); }
