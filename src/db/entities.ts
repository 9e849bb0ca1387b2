import { Unit } from '../modules/org/unit.entity';

/** Every entity the ORM knows; listed explicitly so no file discovery is needed at run time. */
export const entities = [Unit];
