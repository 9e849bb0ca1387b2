import { Unit } from '../modules/org/unit.entity';
import { Petitioner } from '../modules/petitioner/petitioner.entity';
import { CaseStep, PetitionCase } from '../modules/case/case.entity';
import { DecisionNumberCounter, TerminationApplication } from '../modules/termination/termination.entity';
import {
  ArchiveDocument,
  ArchiveDocumentVersion,
  EscalationReport,
  ReturnVisit,
  StoredFile,
  TerminationArchive,
  TrackingRecord,
} from '../modules/followup/followup.entity';
import {
  AccountabilityRecord,
  Inspection,
  InspectionFinding,
  PublicFeedback,
  RectificationOrder,
} from '../modules/supervision/supervision.entity';

/** Every entity the ORM knows; listed explicitly so no file discovery is needed at run time. */
export const entities = [
  Unit,
  Petitioner,
  PetitionCase,
  CaseStep,
  TerminationApplication,
  DecisionNumberCounter,
  StoredFile,
  TerminationArchive,
  ArchiveDocument,
  ArchiveDocumentVersion,
  ReturnVisit,
  TrackingRecord,
  EscalationReport,
  Inspection,
  InspectionFinding,
  RectificationOrder,
  AccountabilityRecord,
  PublicFeedback,
];
