// web-ext ships no types; the two calls the packaging and its tests make.
declare module 'web-ext' {
  interface LintMessage {
    code: string;
    message: string;
    file?: string;
  }
  const webExt: {
    cmd: {
      lint(
        params: { sourceDir: string; output?: 'text' | 'json' | 'none'; boring?: boolean },
        options?: { shouldExitProgram?: boolean },
      ): Promise<{ errors: LintMessage[]; warnings: LintMessage[]; notices: LintMessage[] }>;
      build(
        params: { sourceDir: string; artifactsDir: string; filename: string; overwriteDest?: boolean },
        options?: { shouldExitProgram?: boolean; showReadyMessage?: boolean },
      ): Promise<{ extensionPath: string }>;
    };
  };
  export default webExt;
}
