package dev.gloo.chaos.nemesis;

/** The faults the nemesis injects. Which node a fault hits is resolved when it starts. */
public enum Fault {
  /** SIGKILL the leader; restart it when the fault ends. */
  KILL_LEADER,
  /** SIGKILL a random follower; restart it when the fault ends. */
  KILL_FOLLOWER,
  /** SIGSTOP the leader; SIGCONT when the fault ends. */
  PAUSE_LEADER,
  /** SIGSTOP a random follower; SIGCONT when the fault ends. */
  PAUSE_FOLLOWER,
  /** Cut every Raft link of the leader; clients still reach it (the stale-read trap). */
  ISOLATE_LEADER,
  /** Cut Raft links between a random minority and the majority. */
  PARTITION_MAJORITY_MINORITY,
  /** Two halves that only one bridge node connects (it sees both, they do not see each other). */
  PARTITION_BRIDGE,
  /** Cut the clients' links to a random node; Raft between the nodes stays. */
  CLIENT_PARTITION,
  /** Ask the cluster to hand leadership to a random other voter. */
  LEADER_TRANSFER,
  /** A random member leaves ({@code /cluster/leave}), loses its data, and joins again as a new node. */
  LEAVE_AND_REJOIN,
  /** A node outside the cluster joins (learner, then voter) and is removed again. */
  JOIN_AND_REMOVE
}
