import type Database from 'better-sqlite3';

/** One stored version of a secret's value. */
export interface VersionRow {
  readonly versionId: string;
  readonly secretString: string | null;
  /** Base64, exactly as the JSON protocol carries it. */
  readonly secretBinary: string | null;
  readonly createdDate: number;
}

/** What a new version of a secret holds. */
export interface NewVersion {
  readonly secretId: number;
  readonly versionId: string;
  readonly secretString: string | null;
  readonly secretBinary: string | null;
  /** Its creation time, in epoch seconds. */
  readonly now: number;
}

interface VersionRecord {
  version_id: string;
  secret_string: string | null;
  secret_binary: string | null;
  created_date: number;
}

const toVersion = (r: VersionRecord): VersionRow => ({
  versionId: r.version_id,
  secretString: r.secret_string,
  secretBinary: r.secret_binary,
  createdDate: r.created_date,
});

/** The versions and stages tables: each secret's values, and which version carries which stage. */
export class VersionTable {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      all: db.prepare<[number], VersionRecord>(
        'SELECT version_id, secret_string, secret_binary, created_date FROM versions WHERE secret_id = ? ORDER BY seq',
      ),
      get: db.prepare<[number, string], VersionRecord>(
        'SELECT version_id, secret_string, secret_binary, created_date FROM versions WHERE secret_id = ? AND version_id = ?',
      ),
      insert: db.prepare(
        `INSERT INTO versions (secret_id, version_id, seq, secret_string, secret_binary, created_date)
         VALUES (@secretId, @versionId,
                 (SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE secret_id = @secretId),
                 @secretString, @secretBinary, @now)`,
      ),
      stages: db.prepare<[number], { stage: string; version_id: string }>(
        'SELECT stage, version_id FROM stages WHERE secret_id = ? ORDER BY stage',
      ),
      stage: db.prepare<[number, string], { version_id: string }>(
        'SELECT version_id FROM stages WHERE secret_id = ? AND stage = ?',
      ),
      setStage: db.prepare(
        `INSERT INTO stages (secret_id, stage, version_id) VALUES (?, ?, ?)
         ON CONFLICT (secret_id, stage) DO UPDATE SET version_id = excluded.version_id`,
      ),
      prune: db.prepare(
        `DELETE FROM versions WHERE secret_id = @secretId
           AND version_id NOT IN (SELECT version_id FROM stages WHERE secret_id = @secretId)
           AND seq <= (SELECT MAX(seq) FROM versions WHERE secret_id = @secretId) - @keep`,
      ),
    };
  }

  /** Every stored version of a secret, oldest first. */
  all(secretId: number): VersionRow[] {
    return this.stmt.all.all(secretId).map(toVersion);
  }

  /** One version of a secret, if it exists. */
  get(secretId: number, versionId: string): VersionRow | undefined {
    const r = this.stmt.get.get(secretId, versionId);
    return r && toVersion(r);
  }

  /** Stores a new version (with no stages yet). */
  insert(v: NewVersion): void {
    this.stmt.insert.run(v);
  }

  /** The stages of every version of a secret, keyed by version id. */
  stagesByVersion(secretId: number): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const { stage, version_id } of this.stmt.stages.all(secretId)) {
      const list = out.get(version_id) ?? [];
      list.push(stage);
      out.set(version_id, list);
    }
    return out;
  }

  /** The version that carries a stage, if any. */
  idForStage(secretId: number, stage: string): string | undefined {
    return this.stmt.stage.get(secretId, stage)?.version_id;
  }

  /** Attaches a stage to a version, taking it off whichever version had it. */
  setStage(secretId: number, stage: string, versionId: string): void {
    this.stmt.setStage.run(secretId, stage, versionId);
  }

  /** Drops the oldest versions that carry no stage, keeping at most `keep` versions' worth of history. */
  prune(secretId: number, keep: number): void {
    this.stmt.prune.run({ secretId, keep });
  }
}
