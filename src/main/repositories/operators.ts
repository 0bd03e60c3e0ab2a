import { asc, count, eq } from 'drizzle-orm';
import type { Db } from '../db/connection';
import { operatorsTable, type NewOperatorRow, type OperatorRow } from '../db/schema';

export function findOperatorByUsername(db: Db, username: string): OperatorRow | undefined {
  return db.select().from(operatorsTable).where(eq(operatorsTable.username, username)).get();
}

export function findOperatorById(db: Db, id: number): OperatorRow | undefined {
  return db.select().from(operatorsTable).where(eq(operatorsTable.id, id)).get();
}

export function listOperators(db: Db): OperatorRow[] {
  return db.select().from(operatorsTable).orderBy(asc(operatorsTable.username)).all();
}

export function countOperators(db: Db): number {
  return db.select({ n: count() }).from(operatorsTable).get()?.n ?? 0;
}

export function insertOperator(db: Db, row: NewOperatorRow): OperatorRow {
  return db.insert(operatorsTable).values(row).returning().get();
}

export function updateOperator(db: Db, id: number, changes: Partial<NewOperatorRow>): OperatorRow {
  const row = db.update(operatorsTable).set(changes).where(eq(operatorsTable.id, id)).returning().get();
  if (!row) throw new Error(`Operator ${id} vanished during update`);
  return row;
}
