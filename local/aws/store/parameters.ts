import type Database from 'better-sqlite3';

/** One SSM parameter at its latest version. */
export interface ParameterRow {
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly version: number;
  readonly dataType: string;
  readonly description: string | null;
  readonly lastModifiedDate: number;
}

interface ParameterRecord {
  name: string;
  type: string;
  value: string;
  version: number;
  data_type: string;
  description: string | null;
  last_modified_date: number;
}

const toParameter = (r: ParameterRecord): ParameterRow => ({
  name: r.name,
  type: r.type,
  value: r.value,
  version: r.version,
  dataType: r.data_type,
  description: r.description,
  lastModifiedDate: r.last_modified_date,
});

/** The parameters table: SSM Parameter Store's parameters, each at its latest version only. */
export class ParameterTable {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      get: db.prepare<[string], ParameterRecord>('SELECT * FROM parameters WHERE name = ?'),
      put: db.prepare(
        `INSERT INTO parameters (name, type, value, version, data_type, description, last_modified_date)
         VALUES (@name, @type, @value, @version, @dataType, @description, @lastModifiedDate)
         ON CONFLICT (name) DO UPDATE SET type = excluded.type, value = excluded.value,
           version = excluded.version, data_type = excluded.data_type,
           description = excluded.description, last_modified_date = excluded.last_modified_date`,
      ),
      delete: db.prepare('DELETE FROM parameters WHERE name = ?'),
    };
  }

  /** One parameter, if it exists. */
  get(name: string): ParameterRow | undefined {
    const r = this.stmt.get.get(name);
    return r && toParameter(r);
  }

  /** Inserts or replaces a parameter. */
  put(p: ParameterRow): void {
    this.stmt.put.run(p);
  }

  /** Deletes a parameter; tells whether it existed. */
  delete(name: string): boolean {
    return this.stmt.delete.run(name).changes > 0;
  }
}
