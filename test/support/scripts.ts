/** How tests start the project's TypeScript commands, as package.json's scripts do: node with sucrase's require hook (run from the repository root). */
export const TS_RUN: readonly string[] = ["-r", "sucrase/register/ts"];
