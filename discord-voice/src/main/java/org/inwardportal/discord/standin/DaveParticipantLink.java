package org.inwardportal.discord.standin;

/**
 * How the stand-in's voice gateway reaches one DAVE participant: a bot over its voice WebSocket,
 * or an emulated member's session in process. One method per server-to-client DAVE opcode.
 */
interface DaveParticipantLink {
    long userId();

    /** Op 25. */
    void externalSender(byte[] externalSenderPackage);

    /** Op 27 (operation type byte first). */
    void proposals(byte[] payload);

    /** Op 29. */
    void announceCommit(int transitionId, byte[] commit);

    /** Op 30. */
    void welcome(int transitionId, byte[] welcome);

    /** Op 21. */
    void prepareTransition(int transitionId, int protocolVersion);

    /** Op 22. */
    void executeTransition(int transitionId);

    /** Op 24. */
    void prepareEpoch(long epoch, int protocolVersion);
}
