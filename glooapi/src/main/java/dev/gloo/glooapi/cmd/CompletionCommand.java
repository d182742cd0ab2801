package dev.gloo.glooapi.cmd;

import dev.gloo.glooapi.CliException;
import dev.gloo.glooapi.GlooApi;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code glooapi completion bash}: the completion script picocli generates from the command tree. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = "Print a shell completion script (bash; zsh loads it with bashcompinit).",
    footer = {"", "Examples:", "  source <(glooapi completion bash)",
        "  glooapi completion bash > /etc/bash_completion.d/glooapi"})
public final class CompletionCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh")
  String shell;

  @Override
  public void run() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw new CliException("unsupported shell '" + shell + "': use bash or zsh");
    }
    GlooApi root = GlooApi.of(spec);
    root.out().print(AutoComplete.bash("glooapi", spec.root().commandLine()));
    root.out().flush();
  }
}
