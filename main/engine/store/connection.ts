import type { Database, Statement } from 'better-sqlite3';

/**
 * One open database as the store's modules see it: cached prepared statements and
 * transactions. Nothing outside `store/` ever holds one, so SQL stays in this folder.
 */
export class Connection {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Database) {}

  /** A prepared statement, compiled once per connection and SQL text. */
  stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `work` in one write transaction (BEGIN IMMEDIATE: one writer, no upgrade deadlock). */
  write<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /** After a vec0 table was dropped or rebuilt, statements on it are invalid. */
  forgetStatements(): void {
    this.statements.clear();
  }
}
