// web-ext ships no types; the one call the build test makes.
declare module 'web-ext' {
  interface LintMessage {
    code: string;
    message: string;
  }
  const webExt: {
    cmd: {
      lint(
        params: { sourceDir: string; output?: 'text' | 'json' | 'none'; boring?: boolean },
        options?: { shouldExitProgram?: boolean },
      ): Promise<{ errors: LintMessage[]; warnings: LintMessage[] }>;
    };
  };
  export default webExt;
}
