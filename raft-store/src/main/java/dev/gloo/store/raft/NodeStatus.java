package dev.gloo.store.raft;

import java.util.List;
import java.util.Optional;

/**
 * One node's view of the cluster.
 *
 * @param role LEADER, FOLLOWER, CANDIDATE or LISTENER (a learner)
 * @param commitIndex the highest log index this node knows to be committed
 * @param appliedIndex the highest log index this node has applied
 * @param revision the store revision this node has applied
 * @param compactedRevision watch history is kept for revisions above this one
 * @param snapshotsInstalled snapshots this node received from a leader since it started
 */
public record NodeStatus(
    String nodeId,
    String role,
    long term,
    Optional<String> leaderId,
    long commitIndex,
    long appliedIndex,
    long revision,
    long compactedRevision,
    long snapshotsInstalled,
    List<Member> members) {

  public record Member(String id, String address, boolean voter) {}
}
