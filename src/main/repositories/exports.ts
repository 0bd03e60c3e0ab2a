import { and, desc, eq, isNotNull, lt } from 'drizzle-orm';
import { writeTransaction, type Db } from '../db/connection';
import { exportsTable, type ExportRow } from '../db/schema';

export type NewExport = Pick<
  ExportRow,
  'operatorId' | 'operatorName' | 'kind' | 'format' | 'filters' | 'masked' | 'fileName' | 'filePath' | 'startedAt' | 'totalRows'
>;

export function insertExport(db: Db, values: NewExport): ExportRow {
  return writeTransaction(db, (tx) =>
    tx
      .insert(exportsTable)
      .values({ ...values, status: 'running', rowCount: 0 })
      .returning()
      .get(),
  );
}

export function updateExport(
  db: Db,
  id: number,
  changes: Partial<Pick<ExportRow, 'status' | 'rowCount' | 'totalRows' | 'byteSize' | 'filePath' | 'error' | 'finishedAt'>>,
): ExportRow | undefined {
  return writeTransaction(db, (tx) => tx.update(exportsTable).set(changes).where(eq(exportsTable.id, id)).returning().get());
}

export function findExport(db: Db, id: number): ExportRow | undefined {
  return db.select().from(exportsTable).where(eq(exportsTable.id, id)).get();
}

/** An operator's exports, newest first (exports_operator_idx). */
export function listExportsOf(db: Db, operatorId: number, limit: number): ExportRow[] {
  return db
    .select()
    .from(exportsTable)
    .where(eq(exportsTable.operatorId, operatorId))
    .orderBy(desc(exportsTable.startedAt), desc(exportsTable.id))
    .limit(limit)
    .all();
}

/** Exports that started before `before` and still have a file: the clean-up's work list. */
export function listExportFilesBefore(db: Db, before: number): ExportRow[] {
  return db
    .select()
    .from(exportsTable)
    .where(and(lt(exportsTable.startedAt, before), isNotNull(exportsTable.filePath)))
    .all();
}

/** Jobs left 'running' by a process that stopped mid-export. */
export function listRunningExports(db: Db): ExportRow[] {
  return db.select().from(exportsTable).where(eq(exportsTable.status, 'running')).all();
}
