package dev.gloo.store.raft;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLog;

/**
 * Ratis' gRPC transport with one change in the leader's log appender: when a follower answers
 * INCONSISTENCY with the index it needs next, the leader sends from there.
 *
 * <p>Why: Ratis 3.3.0 sends from the follower's matchIndex + 1 instead whenever that is higher
 * ({@code LogAppenderBase.getNextIndexForInconsistency}), but the leader's matchIndex for a
 * follower can be ahead of the follower's log (seen after a kill -9 and restart, and for a
 * node back with an empty disk under the same id). Such a follower got heartbeats from an
 * index it did not have, answered with the index it needed, and was ignored, for ever
 * (RATIS-2523): it never caught up, kept starting elections its peers refused, and answered no
 * linearizable read. nextIndex only says where to send from; what counts for commit is the
 * matchIndex, which this does not touch.
 *
 * <p>Named in the server's properties by class name ({@code raft.rpc.type}), so it has a public
 * no-argument constructor.
 */
public final class ReplicationRpc implements RpcType {

  @Override
  public String name() {
    return ReplicationRpc.class.getName();
  }

  @Override
  public RpcFactory newFactory(Parameters parameters) {
    return new Factory(parameters);
  }

  private static final class Factory extends GrpcFactory {
    Factory(Parameters parameters) {
      super(parameters);
    }

    @Override
    public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      return new Appender(server, state, follower);
    }
  }

  private static final class Appender extends GrpcLogAppender {
    Appender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      super(server, state, follower);
    }

    @Override
    protected long getNextIndexForInconsistency(long requestFirstIndex, long replyNextIndex) {
      // As Ratis: never resend the same first entry (an empty follower would answer the same again).
      if (replyNextIndex == requestFirstIndex && replyNextIndex > RaftLog.LEAST_VALID_LOG_INDEX) {
        return replyNextIndex - 1;
      }
      return replyNextIndex;
    }
  }
}
