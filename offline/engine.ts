import * as pulumi from "@pulumi/pulumi";
import { mockState } from "./mockValues";
import { PlatformDescription } from "../components/platform/platform";
import { StackFileFacts } from "../components/config/load";
import { ClientScripts, describedClientScripts, describedFiles, RenderedFile } from "./files";
import { PROJECT, StackConfig } from "./stackConfig";

/** One resource as the program declared it: inputs (secrets marked) and the options that matter. */
export interface CapturedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Parent URN ("" for the stack itself). */
  readonly parent: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly dependsOn: string[];
  readonly provider: string;
}

export interface Evaluation {
  readonly stack: string;
  readonly resources: CapturedResource[];
  /** Stack outputs with secrets marked (see offline/secrets.ts). */
  readonly outputs: Record<string, unknown>;
  /** The platform as the platform layer described it (absent when the program failed before). */
  readonly platform?: PlatformDescription;
  /** Every file the described services read, resolved. */
  readonly files: RenderedFile[];
  /** The scripts client trust runs on each client node, resolved. */
  readonly clientScripts: ClientScripts[];
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): unknown;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getDependenciesList(): string[];
  getProvider(): string;
}
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): unknown;
}
type Callback = (err: unknown, response: unknown) => void;
interface Monitor {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, cb: Callback): Promise<void>;
  registerResourceOutputs(req: OutputsRequest, cb: Callback): void;
}

/* The SDK's internals the engine hooks into; they are not part of its typed surface. */
/* eslint-disable @typescript-eslint/no-require-imports */
const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): Monitor; waitForRPCs(): Promise<void> };
const rpc = require("@pulumi/pulumi/runtime/rpc") as { deserializeProperties(struct: unknown): Record<string, unknown> };
/* eslint-enable @typescript-eslint/no-require-imports */

function toPlain(struct: unknown): Record<string, unknown> {
  const js = (struct as { toJavaScript?: () => unknown } | undefined)?.toJavaScript;
  if (!struct || !js) return {};
  return rpc.deserializeProperties(struct);
}

/** The program failed; `declared` lists what it had declared before it did (nothing, for bad config). */
export class EvaluationError extends Error {
  constructor(
    readonly cause: unknown,
    readonly declared: CapturedResource[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "EvaluationError";
  }
}

let running = false;

/** Frames kept in stack traces while the offline engine evaluates (enough to place an error). */
const OFFLINE_STACK_TRACE_LIMIT = 3;

/**
 * Evaluates the program for one stack under Pulumi's mocks: no CLI, no Docker. Every resource is
 * captured with its inputs and options (the mock monitor's request carries them), and the stack's
 * outputs with their secret markers. Runs one stack at a time.
 */
export async function evaluate(config: StackConfig, program: (observe: (d: PlatformDescription) => void, stackFile: StackFileFacts) => Record<string, unknown>): Promise<Evaluation> {
  if (running) throw new Error("offline engine: one evaluation at a time");
  running = true;
  // The SDK records a stack trace on every promise it makes (for leak reports at exit, which the
  // offline engine never makes): most of an evaluation's time. Traces stay short while it runs.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = OFFLINE_STACK_TRACE_LIMIT;
  try {
    await pulumi.runtime.setMocks(
      {
        newResource: async (args) => ({ id: `${args.name}-id`, state: await mockState(args.type, args.name, args.inputs as Record<string, unknown>) }),
        call: (args) => args.inputs,
      },
      PROJECT,
      config.stack,
      false,
    );
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);

    const resources: CapturedResource[] = [];
    let outputs: Record<string, unknown> = {};
    const monitor = settings.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
      const type = req.getType();
      const parent = req.getParent();
      resources.push({
        type,
        name: req.getName(),
        urn: monitor.newUrn(parent, type, req.getName()),
        parent,
        custom: req.getCustom(),
        inputs: toPlain(req.getObject()),
        protect: req.getProtect(),
        retainOnDelete: req.getRetainondelete(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        dependsOn: req.getDependenciesList(),
        provider: req.getProvider(),
      });
      return register(req, cb);
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
      if (req.getUrn().split("::")[2] === "pulumi:pulumi:Stack") outputs = toPlain(req.getOutputs());
      registerOutputs(req, cb);
    };

    // The program's own error (e.g. invalid config) is kept and rethrown once the stack has settled,
    // with what had been declared by then.
    let failure: unknown;
    let platform: PlatformDescription | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return { ...program((d) => (platform = d), { secretPaths: config.secretPaths, unknownPaths: config.unknownPaths }) };
      } catch (err) {
        failure = err;
        return {};
      }
    });
    // Resources waiting on dependencies or applies register after the stack's outputs: drain them all.
    await settings.waitForRPCs();
    const declared = resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    if (failure !== undefined) throw new EvaluationError(failure, declared);
    const files = platform ? await describedFiles(platform) : [];
    const clientScripts = platform ? await describedClientScripts(platform) : [];
    return { stack: config.stack, resources: declared, outputs, platform, files, clientScripts };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    running = false;
  }
}
