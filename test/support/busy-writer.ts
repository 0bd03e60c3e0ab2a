// A second process that keeps writing to a CreditDesk database (for the backup test): each
// transaction appends one chained audit entry and a pair of rows whose sum is zero, so any
// consistent snapshot has an intact chain and a zero sum. Prints "ready" once it is writing.
import { findMigrationsFolder, openDatabase, writeTransaction } from '../../src/main/db/connection';
import path from 'node:path';
import { auditKeyForWriting } from '../../src/main/audit/key';
import { appendAudit } from '../../src/main/repositories/audit';

const file = process.argv[2];
if (!file) throw new Error('usage: busy-writer.fixture.ts DATABASE');
const db = openDatabase({ file, migrationsFolder: findMigrationsFolder() });
const auditKey = auditKeyForWriting(path.join(path.dirname(file), 'keys'));
const insert = db.$client.prepare('INSERT INTO busy_pairs (n, payload) VALUES (?, ?)');
const payload = Buffer.alloc(2048, 7);
let n = 0;
let announced = false;
function burst(): void {
  for (let index = 0; index < 20; index++) {
    n++;
    writeTransaction(db, (tx) => {
      insert.run(n, payload);
      appendAudit(tx, auditKey, { at: Date.now(), operatorId: null, operatorName: null, action: 'test.busy-write', details: { n } });
      insert.run(-n, payload);
    });
  }
  if (!announced) {
    announced = true;
    process.stdout.write('ready\n');
  }
  setTimeout(burst, 1);
}
burst();
process.on('SIGTERM', () => {
  db.$client.close();
  process.exit(0);
});
