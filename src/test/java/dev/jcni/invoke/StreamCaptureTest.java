package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StreamCaptureTest {
  /** Hands out data in chunks of random sizes, as a pipe does. */
  private static InputStream choppy(byte[] data, long seed) {
    return choppy(new ByteArrayInputStream(data), seed);
  }

  private static InputStream choppy(InputStream source, long seed) {
    Random r = new Random(seed);
    return new FilterInputStream(source) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.max(1, Math.min(len, 1 + r.nextInt(20_000))));
      }
    };
  }

  /** The capture of a stream whose writer is done: what the stream holds is all there is. */
  private static StreamCapture exited(StreamCapture c) {
    c.writerExited();
    return c;
  }

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void keepsTheLastBytesAcrossManyWrapsOfTheRing() {
    for (int keep : new int[] {1, 7, 4096, 65536}) {
      for (int n : new int[] {0, 1, keep - 1, keep, keep + 1, 3 * keep + 5, 1_000_003}) {
        byte[] input = data(n);
        StreamCapture c = exited(StreamCapture.tail(choppy(input, n + keep), keep));
        c.run();
        byte[] expected = Arrays.copyOfRange(input, Math.max(0, n - keep), n);
        assertThat(c.kept()).as("keep %d of %d", keep, n).isEqualTo(expected);
        assertThat(c.total()).isEqualTo(n);
        assertThat(c.overflowed()).isFalse();
      }
    }
  }

  @Test
  void aZeroTailCountsButKeepsNothing() {
    StreamCapture c = exited(StreamCapture.tail(new ByteArrayInputStream(data(1000)), 0));
    c.run();
    assertThat(c.kept()).isEmpty();
    assertThat(c.total()).isEqualTo(1000);
  }

  @Test
  void keepsAllOfAHeadWithinTheLimit() {
    byte[] input = data(100_000);
    StreamCapture c = exited(StreamCapture.head(choppy(input, 1), 100_000));
    c.run();
    assertThat(c.kept()).isEqualTo(input);
    assertThat(c.overflowed()).isFalse();
  }

  @Test
  void readsOneByteBeyondTheLimitAndNoMore() {
    byte[] input = data(500_000);
    ByteArrayInputStream source = new ByteArrayInputStream(input);
    StreamCapture c = exited(StreamCapture.head(choppy(source, 2), 100_000));
    c.run();
    assertThat(c.overflowed()).isTrue();
    assertThat(c.kept()).isEqualTo(Arrays.copyOf(input, 100_001));
    assertThat(source.available()).as("left unread in the pipe").isEqualTo(500_000 - 100_001);
  }

  @Test
  void aPipeFoundEmptyAfterItsWriterExitedIsCompleteThoughAnotherProcessHoldsItOpen()
      throws Exception {
    PipedOutputStream writer = new PipedOutputStream();
    PipedInputStream pipe = new PipedInputStream(writer, 1 << 20);
    byte[] input = data(300_000);
    StreamCapture c = StreamCapture.head(pipe, 1_000_000);
    Thread reader = new Thread(c);
    reader.start();
    writer.write(input);
    writer.flush();
    assertThat(c.complete()).as("before the writer exited").isFalse();
    c.writerExited();
    // the write end stays open, as a process left behind would hold it: no end of stream
    assertThat(c.awaitSettled(TimeUnit.SECONDS.toNanos(5))).isTrue();
    assertThat(c.complete()).isTrue();
    assertThat(c.awaitFinished(TimeUnit.MILLISECONDS.toNanos(50))).isFalse();
    assertThat(c.abandon()).isEqualTo(input);
    assertThat(c.complete()).isTrue();
    writer.close();
    reader.join(TimeUnit.SECONDS.toMillis(5));
  }

  @Test
  void outputNotReadUpToWhereTheWriterLeftItIsNotComplete() throws Exception {
    // A reader that falls behind: the stream says it holds bytes, but the read does not return
    // until the test lets it.
    CountDownLatch letRead = new CountDownLatch(1);
    InputStream slow =
        new FilterInputStream(new ByteArrayInputStream(data(20_000))) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            try {
              letRead.await();
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            return super.read(b, off, len);
          }
        };
    StreamCapture c = StreamCapture.head(slow, 1_000_000);
    Thread reader = new Thread(c);
    reader.start();
    c.writerExited();
    assertThat(c.awaitSettled(TimeUnit.MILLISECONDS.toNanos(200))).isFalse();
    assertThat(c.complete()).isFalse();
    byte[] kept = c.abandon();
    letRead.countDown();
    reader.join(TimeUnit.SECONDS.toMillis(5));
    assertThat(kept).isEmpty();
    assertThat(c.complete()).as("abandoned before it caught up").isFalse();
  }

  @Test
  void theEndOfTheStreamMakesItComplete() throws Exception {
    StreamCapture c = exited(StreamCapture.tail(choppy(data(50_000), 3), 100));
    c.run();
    assertThat(c.complete()).isTrue();
    assertThat(c.awaitFinished(0)).isTrue();
  }
}
