package org.blindmatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Child JVMs a test starts (a server, a client it kills), each with stdout and stderr in one
 * log file, and the waits on them: a log line, an exit. Every {@code blindmatch.*} system
 * property of the test JVM (the test timeout, the test KDF switch) is passed on, so a child
 * runs under the same test settings. {@link #close()} kills whatever is still running: use one
 * instance per test, e.g. closed in {@code @AfterEach}. Not thread-safe.
 */
public final class ChildJvms implements AutoCloseable {
  private final Path dir;
  private final List<Process> processes = new ArrayList<>();

  /** @param dir where the log files go (the test's temporary directory) */
  public ChildJvms(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts {@code mainClass} with the test's class path and {@code args}; stdout and stderr go
   * to {@code logName} in the directory.
   *
   * @param jvmOptions e.g. {@code -Xmx512m}; a {@code -Dblindmatch.…} here overrides the
   *     inherited value
   */
  public Process start(String logName, List<String> jvmOptions, String mainClass,
      List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (Map.Entry<Object, Object> p : System.getProperties().entrySet()) {
      if (p.getKey().toString().startsWith("blindmatch.")) {
        cmd.add("-D" + p.getKey() + "=" + p.getValue());
      }
    }
    cmd.addAll(jvmOptions); // after the inherited ones: a -D here overrides
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve(logName).toFile());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /**
   * Waits until the log holds a complete line matching {@code line} and returns the match.
   *
   * @throws AssertionError with the log if the process exits first or the test timeout passes
   */
  public Matcher awaitLine(Process p, String logName, Pattern line)
      throws InterruptedException {
    AtomicReference<Matcher> found = new AtomicReference<>();
    Await.until(() -> {
      String log = log(logName);
      int complete = log.lastIndexOf('\n');
      Matcher m = line.matcher(complete < 0 ? "" : log.substring(0, complete + 1));
      if (m.find()) {
        found.set(m);
        return true;
      }
      if (!p.isAlive()) {
        throw new AssertionError(logName + ": the process exited with status " + p.exitValue()
            + " before logging /" + line + "/:\n" + log(logName));
      }
      return false;
    }, () -> "line /" + line + "/ in " + logName + ":\n" + log(logName));
    return found.get();
  }

  /**
   * The port a {@code blindmatch serve} process announces ({@code listening on port N}).
   */
  public int awaitPort(Process server, String logName) throws InterruptedException {
    return Integer.parseInt(
        awaitLine(server, logName, Pattern.compile("listening on port (\\d+)\\s*\\n")).group(1));
  }

  /** Kills the process with SIGKILL and waits for it to be gone. */
  public void kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    Await.exit(p, "a process killed with SIGKILL");
  }

  /** The log so far ("" before it exists). */
  public String log(String logName) {
    try {
      Path f = dir.resolve(logName);
      return Files.exists(f) ? Files.readString(f) : "";
    } catch (IOException e) {
      return "(cannot read " + logName + ": " + e + ")";
    }
  }

  /** Kills every process still running and waits for each to exit. */
  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      p.waitFor(TestTimeout.seconds(), TimeUnit.SECONDS);
    }
    processes.clear();
  }
}
