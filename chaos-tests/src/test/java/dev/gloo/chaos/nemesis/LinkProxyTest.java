package dev.gloo.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class LinkProxyTest {
  /** An echo server on loopback; returns its port. */
  private static ServerSocket echo() throws IOException {
    ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
          int b;
          while ((b = in.read()) >= 0) {
            out.write(b);
            out.flush();
          }
        } catch (IOException e) {
          // next connection
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return server;
  }

  private static int roundTrip(String host, int port) throws IOException {
    try (Socket s = new Socket(host, port)) {
      s.setSoTimeout(2000);
      s.getOutputStream().write(42);
      return s.getInputStream().read();
    }
  }

  @Test
  void forwardsUntilCutClosesOpenConnectionsRefusesNewOnesAndForwardsAgainWhenHealed() throws Exception {
    try (ServerSocket server = echo();
        LinkProxy proxy = new LinkProxy("a->b", "127.0.1.2", 0, new InetSocketAddress("127.0.0.1", server.getLocalPort()))) {
      try (Socket s = new Socket("127.0.1.2", proxy.port())) {
        s.setSoTimeout(2000);
        s.getOutputStream().write(7);
        assertEquals(7, s.getInputStream().read());
        proxy.cut();
        // The open connection is closed: the read ends (-1) or fails, never hangs.
        assertEquals(-1, readOrEnd(s));
      }
      assertThrows(IOException.class, () -> {
        try (Socket s = new Socket("127.0.1.2", proxy.port())) {
          s.setSoTimeout(2000);
          s.getOutputStream().write(1);
          if (s.getInputStream().read() < 0) {
            throw new IOException("closed");
          }
        }
      });
      proxy.heal();
      assertEquals(42, roundTrip("127.0.1.2", proxy.port()));
    }
  }

  private static int readOrEnd(Socket s) {
    try {
      return s.getInputStream().read();
    } catch (IOException e) {
      return -1;
    }
  }
}
