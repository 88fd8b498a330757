/**
 * Secrets Manager deletes a secret asynchronously, even with ForceDeleteWithoutRecovery: for a
 * short while after the call the name is still taken, and CreateSecret with that name fails with
 * InvalidRequestException ("scheduled for deletion"). AWS's DeleteSecret reference tells callers
 * to retry the create with backoff. The embedded endpoint deletes at once, so without this lag a
 * caller's retry path would never run here.
 */

/** How long a force-deleted secret's name stays taken. Both zero: freed at once. */
export interface DeletionLag {
  /** Milliseconds the name stays taken after the delete. */
  readonly deletionLagMs: number;
  /** CreateSecret calls on that name refused before it is free (deterministic, for tests). */
  readonly deletionLagCreates: number;
}

interface Hold {
  readonly until: number;
  creates: number;
}

// Names force-deleted but never created again would otherwise pile up.
const MAX_HELD = 10_000;

/**
 * The names force-deleted a moment ago. A name is free again once both its time has passed and
 * its count of refused creates is used up. In memory only: a restart ends every lag, as the
 * background deletion would have finished by then.
 */
export class HeldNames {
  private readonly held = new Map<string, Hold>();

  constructor(
    private readonly lag: () => DeletionLag,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the lag of a name that was just force-deleted. */
  hold(name: string): void {
    const { deletionLagMs, deletionLagCreates } = this.lag();
    if (deletionLagMs <= 0 && deletionLagCreates <= 0) return;
    this.held.delete(name);
    if (this.held.size >= MAX_HELD) {
      const oldest = this.held.keys().next().value;
      if (oldest !== undefined) this.held.delete(oldest);
    }
    this.held.set(name, { until: this.now() + deletionLagMs, creates: deletionLagCreates });
  }

  /** True when a CreateSecret of `name` must still be refused; counts the refusal. */
  refuseCreate(name: string): boolean {
    const hold = this.held.get(name);
    if (hold === undefined) return false;
    const timeLeft = this.now() < hold.until;
    if (!timeLeft && hold.creates <= 0) {
      this.held.delete(name);
      return false;
    }
    if (hold.creates > 0) hold.creates -= 1;
    return true;
  }
}
