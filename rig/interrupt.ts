/**
 * Cleanups that must run even when a run is interrupted: a bench or a test stopped with Ctrl-C or
 * SIGTERM would otherwise leave its registry, Caddy and containerd processes, its private Docker
 * engine and its temporary directories behind. Each is registered while it is needed and
 * unregistered once it has run normally; on SIGINT or SIGTERM the pending ones run, newest first.
 */
type Cleanup = () => void | Promise<void>;

const pending = new Set<Cleanup>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void (async () => {
        for (const cleanup of [...pending].reverse()) {
          try {
            await cleanup();
          } catch {
            // The next cleanup still runs.
          }
        }
        process.exit(signal === "SIGINT" ? 130 : 143);
      })();
    });
  }
}

/** Runs `cleanup` if the process is interrupted before the returned function is called. */
export function onInterrupt(cleanup: Cleanup): () => void {
  install();
  pending.add(cleanup);
  return () => {
    pending.delete(cleanup);
  };
}
