import { stackOutputs } from "../components/outputs";
import { PlatformDescription } from "../components/platform/platform";
import { StackFileFacts } from "../components/config/load";
import { program } from "../components/program";
import { evaluate, Evaluation } from "./engine";
import { readStackConfig, StackConfig } from "./stackConfig";

/** The program exactly as index.ts runs it (config → platform → target → stack outputs), observed. */
export function regstackProgram(observe: (d: PlatformDescription) => void, stackFile: StackFileFacts): Record<string, unknown> {
  return stackOutputs(program({ onDescribed: observe, stackFile }));
}

/** Evaluates a shipped stack, or a stack file kept anywhere, under the offline engine. */
export function evaluateStack(stack: string, configFile?: string): Promise<Evaluation> {
  return evaluate(readStackConfig(stack, configFile), regstackProgram);
}

/** Evaluates a config given in memory (tests edit configs this way). */
export function evaluateConfig(config: StackConfig): Promise<Evaluation> {
  return evaluate(config, regstackProgram);
}
