package org.inwardportal.discord.dave;

/** What a member made of an announced commit (op 29) or a welcome (op 30). */
public enum CommitOutcome {
    /** The group moved to the next epoch (or was joined): prepare the transition. */
    APPLIED,
    /** Not for us: we are a pending member whose local group lost (whitepaper "Client Commit Validity"); a Welcome follows. */
    IGNORED,
    /** Unprocessable: report it with op 31 and start again with a new key package ("Recovery from Invalid Commit or Welcome"). */
    FAILED
}
