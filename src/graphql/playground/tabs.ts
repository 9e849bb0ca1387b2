import type { Role } from '../../access/roles';

/**
 * The tabs GraphQL Playground opens with: example operations for each role, in the order a
 * visitor reads them. In development (NODE_ENV other than production) each tab's headers carry a
 * demo token of its role for the DEMO_USERS unit of that role (src/db/seeders/DemoSeeder.ts),
 * signed when the page is rendered; in production the headers ask for the user's own token.
 *
 * Add a tab: append an entry (keep one operation per tab, a comment that says what it is for
 * and what the answer means, and variables that work on the demo data).
 */
export interface PlaygroundTab {
  /** Shown on the tab; short (Playground cuts long names). */
  name: string;
  /** Whose demo token the tab carries in development. */
  role: Role;
  /** One operation, led by a comment for the reader. */
  query: string;
  variables?: Record<string, unknown>;
}

export const PLAYGROUND_TABS: PlaygroundTab[] = [
  {
    name: '部门 · 受理前查重',
    role: 'DEPARTMENT_STAFF',
    query: `# 部门工作人员（DEPARTMENT_STAFF）：受理信访事项之前，
# 核查同一信访人的同一事项是否已经终结。
# 在下方 QUERY VARIABLES 中填写：证件号码、姓名、电话（已知几项填几项），
# content 为本次信访的事实和理由。点击中间的 ▶（或 Ctrl+Enter）运行。
# verdict：DUPLICATE＝同一人、同一事实和理由、已终结，不再受理；
#   POSSIBLE_DUPLICATE＝需要人工判断；NO_MATCH＝未发现已终结的同一事项。
# 每次查重都记入审计日志。
query CheckDuplicate($input: DuplicateCheckInput!) {
  checkDuplicate(input: $input) {
    verdict
    matches {
      sameIdentity
      contentSimilarity
      score
      case {
        id
        title
        terminatedAt
        handlingUnit { name }
        termination { decisionNumber decidedAt }
        petitioner { name idNumber phone }
      }
    }
  }
}
`,
    variables: {
      input: {
        idNumber: '330106197903159461',
        name: '俞晓梅',
        phone: '13867142593',
        content:
          '我家在三墩镇锦澜府7幢1单元1202室，2019年从恒川置业手里买的房。2021年底交房后卫生间和北阳台就一直渗水，' +
          '外墙瓷砖也空鼓往下掉，前后报修了五次，开发商每次只是打点胶应付。要求让开发商彻底修好并赔偿我的装修损失。',
      },
    },
  },
  {
    name: '部门 · 已终结事项',
    role: 'DEPARTMENT_STAFF',
    query: `# 信息共享：各部门都可查询全部已终结的信访事项，个人信息已脱敏。
# filter 可按单位（unitCode，includeSubunits 含下级单位）、类别（category）、
# 终结日期（terminatedFrom、terminatedTo）、关键词（text）筛选。
# 每页最多 100 条；下一页：把 pageInfo.endCursor 填入 after。
query TerminatedCases($first: Int!, $after: String, $filter: TerminatedCaseFilterInput) {
  terminatedCases(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      title
      category
      terminatedAt
      handlingUnit { code name }
      petitioner { name idNumber }
      termination { decisionNumber condition examiningUnit { name } }
    }
  }
}
`,
    variables: { first: 20, filter: { category: 'URBAN_CONSTRUCTION_HOUSING' } },
  },
  {
    name: '经办 · 本单位事项',
    role: 'CASE_OFFICER',
    query: `# 经办人员（CASE_OFFICER）：本单位及下级单位办理中的信访事项，
# 当前环节、法定期限和是否超期。
# 经办人员看到信访人个人信息的明文，每次查看明文都记入审计日志。
query MyCases($first: Int!, $filter: CaseFilterInput) {
  me { name role unit { code name } }
  cases(first: $first, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      title
      status
      progress { currentStep dueDate overdue }
      petitioner { clear name phone }
    }
  }
}
`,
    variables: { first: 20, filter: { status: 'IN_PROGRESS' } },
  },
  {
    name: '审核 · 待审终结申请',
    role: 'AGENCY_REVIEWER',
    query: `# 上一级信访工作机构审核人员（AGENCY_REVIEWER）：待本机构审核的
# 终结申请。审核用 approveTermination（批准）
# 或 returnTermination（退回，须写明理由）。
query PendingApplications {
  pendingTerminationApplications {
    id
    condition
    statement
    appliedAt
    appliedBy
    case { id title handlingUnit { name } }
  }
}
`,
  },
  {
    name: '监督 · 审计链校验',
    role: 'SUPERVISOR',
    query: `# 监督检查人员（SUPERVISOR）：校验审计日志的哈希链。
# ok 为 true：从第 1 条到最后一条都没有被修改、删除、插入或调换次序；
# 否则 firstBrokenSeq 和 problem 指出第一处损坏。
# lastSeq 和 lastHash 可抄录在系统之外，日后核对。
query VerifyAuditChain {
  verifyAuditChain {
    ok
    checked
    lastSeq
    lastHash
    firstBrokenSeq
    problem
  }
}
`,
  },
  {
    name: '监督 · 查询留痕',
    role: 'SUPERVISOR',
    query: `# 监督检查人员：审计日志，最新在前。查重、查看个人信息明文
# 和每一次写操作都有记录（谁、哪个单位、何时、做了什么、理由）。
# filter 可按操作（operation，如 sharing.checkDuplicate、
# petitioner.reveal、petitioner.read.clear）、操作人（userId）、
# 事项（caseId）、时间（from、to）筛选；每页最多 200 条。
query AuditLog($first: Int!, $filter: AuditLogFilter) {
  auditLog(first: $first, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      seq
      at
      operation
      userName
      role
      unitCode
      caseId
      reason
    }
  }
}
`,
    variables: { first: 50, filter: {} },
  },
  {
    name: '监督 · 已终结事项',
    role: 'SUPERVISOR',
    query: `# 监督检查人员：已终结事项，按承办单位（含下级单位）和终结日期筛选。
# 需要核实某位信访人时，用 revealPetitioner(caseId, reason) 查看明文
# （须写明理由，记入审计日志）。
query TerminatedByUnit($first: Int!, $filter: TerminatedCaseFilterInput) {
  terminatedCases(first: $first, filter: $filter) {
    totalCount
    nodes {
      id
      title
      terminatedAt
      handlingUnit { code name }
      termination { decisionNumber decidedAt }
    }
  }
}
`,
    variables: { first: 50, filter: { unitCode: 'ZJ-HZ', includeSubunits: true } },
  },
  {
    name: '监督 · 超期未回访',
    role: 'SUPERVISOR',
    query: `# 监督检查人员：超期未回访的已终结事项（按回访政策：终结后 30 天内首次回访，
# 此后每 90 天一次，持续 12 个月）。最早超期的在前。
# 变量：unitCode 只看某单位及其下级单位；from、to 只看应回访日期在此期间内的；
# 每页最多 100 条，下一页把 pageInfo.endCursor 填入 after。
# 信访人信息按权限脱敏（监督检查人员看到的是脱敏值）。
query OverdueVisits($unitCode: String, $from: LocalDate, $to: LocalDate, $first: Int, $after: String) {
  inspectionOverdueVisits(unitCode: $unitCode, from: $from, to: $to, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      oldestDueDate
      daysOverdue
      overdue { index dueDate }
      visitsRecorded
      lastVisitedOn
      case { id title terminatedAt handlingUnit { code name } petitioner { name } }
    }
  }
}
`,
    variables: { unitCode: 'ZJ', from: null, to: null, first: 20 },
  },
  {
    name: '监督 · 档案不全',
    role: 'SUPERVISOR',
    query: `# 监督检查人员：信访终结档案必备材料不全的事项，missingLabels 列出缺少的材料
# （信访人基本情况、受理、办理、复查、复核材料，终结申请表、终结决定、告知记录）。
# from、to 按终结日期筛选。archiveCreated 为 false 的是尚未建档的历史事项。
query IncompleteArchives($unitCode: String, $from: LocalDate, $to: LocalDate, $first: Int) {
  inspectionIncompleteArchives(unitCode: $unitCode, from: $from, to: $to, first: $first) {
    totalCount
    nodes {
      terminatedAt
      archiveCreated
      missingLabels
      documentCount
      case { id title handlingUnit { name } }
    }
  }
}
`,
    variables: { unitCode: 'ZJ', from: null, to: null, first: 20 },
  },
  {
    name: '监督 · 跟踪滞后',
    role: 'SUPERVISOR',
    query: `# 监督检查人员：超过 days 天没有动态跟踪记录的已终结事项（从未跟踪的自终结日起算），
# 最久未跟踪的在前。days 不填时用配置 TRACKING_STALE_DAYS（默认 60 天）。
# from、to 按终结日期筛选。
query StaleTracking($unitCode: String, $days: Int, $first: Int) {
  inspectionStaleTracking(unitCode: $unitCode, days: $days, first: $first) {
    days
    totalCount
    nodes {
      daysWithoutTracking
      lastTrackedOn
      lastRiskLevel
      trackingRecords
      case { id title terminatedAt handlingUnit { name } }
    }
  }
}
`,
    variables: { unitCode: 'ZJ', days: null, first: 20 },
  },
  {
    name: '监督 · 未办结报告',
    role: 'SUPERVISOR',
    query: `# 监督检查人员：向上一级信访工作机构报告的新诉求、新问题中尚未办结的，
# 按时长排列（最早的在前）。minAgeDays 只看报告至今不少于这么多天的；
# from、to 按报告日期筛选。报告内容属个人信息，监督检查人员看到的为空。
query OpenEscalations($unitCode: String, $minAgeDays: Int, $first: Int) {
  inspectionOpenEscalations(unitCode: $unitCode, minAgeDays: $minAgeDays, first: $first) {
    totalCount
    nodes {
      ageDays
      daysInStatus
      report { id kind status discoveredOn reportedAt reportedBy targetAgency { name } }
      case { id title handlingUnit { name } }
    }
  }
}
`,
    variables: { unitCode: 'ZJ', minAgeDays: 0, first: 20 },
  },
  {
    name: '监督 · 查询行为',
    role: 'SUPERVISOR',
    query: `# 监督检查人员：各工作人员查重、查看个人信息明文、说明理由查看、下载档案附件的次数
# （来自审计日志，只有次数），用于发现异常查询。次数最多的在前。
# revealBursts：一小时内说明理由查看达到 REVEAL_BURST_PER_HOUR 次的次数，不为 0 时请复核其理由。
# oracleRefusals：查重因疑似猜测身份证号码被拒绝的次数，不为 0 时请复核（具体记录见 sharing.checkDuplicate.refused）。
# from、to 为日期（北京时间）；具体记录见「监督 · 查询留痕」。
query LookupActivity($unitCode: String, $from: LocalDate, $to: LocalDate, $first: Int) {
  inspectionLookupActivity(unitCode: $unitCode, from: $from, to: $to, first: $first) {
    totalCount
    nodes {
      userName
      role
      unit { name }
      duplicateChecks
      clearReads
      reveals
      revealBursts
      oracleRefusals
      fileDownloads
      distinctPetitioners
      total
      lastAt
    }
  }
}
`,
    variables: { unitCode: 'ZJ', from: null, to: null, first: 50 },
  },
  {
    name: '监督 · 后续管理统计',
    role: 'SUPERVISOR',
    query: `# 监督检查人员：某单位（含下级单位）某期间的后续管理统计，只有数字：
# 终结事项、应回访/已回访/超期、档案齐全率、跟踪滞后、报告上级各状态、
# 整改未完结/逾期、社会监督意见。定期报告（各单位一行）用 followUpReport，
# 其 csvPath 可下载 CSV（带令牌 GET，Excel 可直接打开）。
query FollowUpStatistics($unitCode: String, $from: LocalDate, $to: LocalDate) {
  followUpStatistics(unitCode: $unitCode, from: $from, to: $to) {
    unit { name }
    from
    to
    asOf
    terminatedCases
    visits { due done doneOnTime doneLate overdue pending }
    archives { total complete incomplete completenessRate }
    tracking { staleDays staleCases }
    escalations { reported acknowledged resolved }
    rectifications { issued open overdue verified }
    feedback { received open answered closed }
  }
  followUpReport(unitCode: $unitCode, from: $from, to: $to) { csvPath }
}
`,
    variables: { unitCode: 'ZJ', from: null, to: null },
  },
  {
    name: '监督 · 逾期整改',
    role: 'SUPERVISOR',
    query: `# 监督检查人员：已过整改期限、责任单位仍未报告完成的整改通知，逾期最久的在前。
# 检查的登记、问题记录、整改通知和核查见 DOCS 中的 createInspection、
# addInspectionFinding、issueRectificationOrder、verifyRectification。
query OverdueRectifications($unitCode: String, $first: Int) {
  overdueRectifications(unitCode: $unitCode, first: $first) {
    totalCount
    nodes {
      id
      deadline
      daysOverdue
      requirement
      responsibleUnit { name }
      finding { problem description inspection { title } }
    }
  }
}
`,
    variables: { unitCode: 'ZJ', first: 20 },
  },
  {
    name: '管理 · 单位',
    role: 'ADMIN',
    query: `# 系统管理员（ADMIN）：单位树（信访工作机构和部门）。
# 新建、改名、调整上级用 createUnit、renameUnit、moveUnit。
query Units {
  me { name role }
  units { code name kind parent { code } }
}
`,
  },
];
