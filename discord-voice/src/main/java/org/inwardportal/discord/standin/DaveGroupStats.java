package org.inwardportal.discord.standin;

import java.util.List;

/**
 * A voice channel's DAVE group as the stand-in's voice gateway sees it.
 *
 * @param leaves user id per MLS leaf index (0: blank)
 * @param keyPackagesRefused op-26 messages that were not a valid key package of the sender
 * @param commitsRefused commits not broadcast: late (another won the epoch), wrong epoch or proposals, garbage
 * @param invalidReports op-31 reports (a member could not process a commit or welcome)
 * @param revokes op-27 revokes sent (an uncommitted Add of someone who left)
 */
public record DaveGroupStats(boolean established, long epoch, List<Long> leaves, long keyPackagesRefused, long commitsAccepted, long commitsRefused,
                             long invalidReports, long transitionsExecuted, long soleMemberResets, long revokes) {}
