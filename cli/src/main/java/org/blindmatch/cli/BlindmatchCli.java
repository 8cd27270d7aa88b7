package org.blindmatch.cli;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import org.blindmatch.client.audit.AuditException;
import org.blindmatch.client.federation.CallFailures;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.client.submit.SubmissionException;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.server.config.ConfigException;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.scope.ScopeException;
import org.blindmatch.crypto.tokenfile.TokenFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code blindmatch} command line. Exit status: 0 success, 1 an input, key or I/O
 * problem (message on stderr), 2 a usage error, 70 an internal error.
 */
@Command(
    name = "blindmatch",
    mixinStandardHelpOptions = true,
    versionProvider = BlindmatchCli.Version.class,
    description = "Privacy-preserving matching of keyed, time-bucketed IP tokens.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      " 0:success",
      " 1:a problem of the input or the world (a file, a key, the network, TLS, the disk, a "
          + "quota): one line on stderr names the cause and what to do",
      " 2:a usage error (an unknown or missing option)",
      "70:an internal error (a bug; BLINDMATCH_DEBUG=1 prints the stack trace)"
    },
    subcommands = {
      TokenizeCommand.class,
      KeysCommand.class,
      ScopeCommand.class,
      InspectCommand.class,
      PkiCommand.class,
      SubmitCommand.class,
      MatchCommand.class,
      ResultsCommand.class,
      ServeCommand.class,
      HealthCommand.class,
      AdminCommand.class,
      OprfCommand.class,
      KeyholderCommand.class,
      AuditCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class,
      picocli.AutoComplete.GenerateCompletion.class
    })
public final class BlindmatchCli implements Runnable {
  /** Exit status for input, key and I/O problems. */
  public static final int EXIT_INPUT = 1;
  /** Exit status for unexpected failures (a bug). */
  public static final int EXIT_INTERNAL = 70;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }

  /**
   * gRPC's channel logs a failed name lookup as a WARNING with a stack trace on stderr; the
   * failed call already says "unknown host" in one line, so the channel's own log is kept for
   * BLINDMATCH_DEBUG. Held here: a logger's level lives only as long as a reference to it.
   */
  private static final java.util.logging.Logger CHANNEL_LOG =
      java.util.logging.Logger.getLogger("io.grpc.internal.ManagedChannelImpl");

  public static void main(String[] args) {
    if (System.getenv("BLINDMATCH_DEBUG") == null) {
      CHANNEL_LOG.setLevel(java.util.logging.Level.SEVERE);
    }
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given streams and returns the exit status (used by tests). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new BlindmatchCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("blindmatch: " + describe(e));
      if (System.getenv("BLINDMATCH_DEBUG") != null) {
        e.printStackTrace(commandLine.getErr());
      }
      commandLine.getErr().flush();
      return isExpected(e) ? EXIT_INPUT : EXIT_INTERNAL;
    });
    int status = cli.execute(args);
    out.flush();
    if (out.checkError() && status == 0) {
      // PrintWriter swallows write errors: without this, `blindmatch … > /dev/full` or a full
      // disk under a redirect would report success with the output cut short.
      err.println("blindmatch: cannot write standard output (the disk is full, or the reader "
          + "closed it): the output is incomplete; free space or write with --out elsewhere");
      status = EXIT_INPUT;
    }
    err.flush();
    return status;
  }

  /**
   * The one place that decides what a failure means to a user: each domain's checked exception
   * (input files, scope, keys, token files, PKI, OPRF, federation calls, submissions, audits,
   * server configuration, I/O) is a problem of the input or the world, shown as its message with
   * exit {@link #EXIT_INPUT}, as is a failed gRPC call that escaped them unless its status
   * says a bug ({@link CallFailures#isBug}); anything else is a bug ({@link #EXIT_INTERNAL}).
   */
  private static boolean isExpected(Exception e) {
    if (e instanceof StatusRuntimeException s) {
      // A call that failed for a reason of the world or of the request (server down, TLS
      // refused, deadline, quota, permission): CallFailures has put the cause and remedy in
      // its description. INTERNAL, UNIMPLEMENTED and a bare UNKNOWN remain bugs.
      return !CallFailures.isBug(s);
    }
    return e instanceof InputException || e instanceof ScopeException
        || e instanceof KeysetException || e instanceof TokenFileException
        || e instanceof IOException || e instanceof PkiException
        || e instanceof org.blindmatch.crypto.oprf.OprfException
        || e instanceof FederationException || e instanceof SubmissionException
        || e instanceof AuditException || e instanceof ConfigException
        || e instanceof org.blindmatch.crypto.ec.BackendUnavailableException;
  }

  private static String describe(Exception e) {
    if (e instanceof FileAlreadyExistsException f) {
      return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "already exists");
    }
    if (e instanceof NoSuchFileException f) {
      return f.getFile() + ": no such file";
    }
    if (e instanceof AccessDeniedException f) {
      return f.getFile() + ": permission denied: check the file's and its directory's "
          + "permissions, or choose another path";
    }
    if (e instanceof StatusRuntimeException s && isExpected(e)) {
      return CallFailures.describe(s);
    }
    if (e instanceof IOException && isDiskFull(e)) {
      return e.getMessage() + ": the disk is full: free space or write elsewhere";
    }
    if (isExpected(e)) {
      return e.getMessage();
    }
    return "internal error (" + e.getClass().getSimpleName() + ": " + e.getMessage()
        + "); please report it. Set BLINDMATCH_DEBUG=1 for details.";
  }

  /** Whether an I/O failure is ENOSPC, which Java reports only as message text. */
  private static boolean isDiskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BlindmatchCli.class.getPackage().getImplementationVersion();
      return new String[] {"blindmatch " + (v == null ? "(development build)" : v)};
    }
  }
}
