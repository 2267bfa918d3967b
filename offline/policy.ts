/**
 * Runs the CrossGuard pack's rules over a stack evaluated by the offline engine, as `pulumi preview
 * --policy-pack policies` runs them over a preview: each rule's validate function gets the args the
 * policy SDK would build (inputs with secrets unwrapped, the resource's options, the rule's config
 * with its schema's defaults). The offline engine also knows `retainOnDelete`, which the SDK does not
 * hand to policies.
 */
import { EnforcementLevel, Policy, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { policies as packPolicies } from "../policies/rules";
import { CapturedResource, Evaluation } from "./engine";
import { reveal } from "./secrets";

export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: EnforcementLevel;
  /** The resource's name, for a resource policy or a stack policy that names one. */
  readonly resource?: string;
  readonly message: string;
}

/** Settings of the pack per policy (as a policy config file gives them): level and config values. */
export type PackConfig = Readonly<Record<string, { readonly enforcementLevel?: EnforcementLevel } & Record<string, unknown>>>;

function configOf(policy: Policy, config: PackConfig): Record<string, unknown> {
  const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).map(([k, schema]) => [k, (schema as { default?: unknown }).default]));
  const { enforcementLevel: _level, ...given } = config[policy.name] ?? {};
  return { ...defaults, ...given };
}

function levelOf(policy: Policy, config: PackConfig): EnforcementLevel {
  return config[policy.name]?.enforcementLevel ?? policy.enforcementLevel ?? "mandatory";
}

class NotApplicable extends Error {}

/** The args the policy SDK gives a resource policy, for one captured resource. */
export function resourceArgs(r: CapturedResource, config: Record<string, unknown>, props: Record<string, unknown> = reveal(r.inputs) as Record<string, unknown>): ResourceValidationArgs {
  const opts = { protect: r.protect, retainOnDelete: r.retainOnDelete, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], parent: r.parent || undefined, deleteBeforeReplace: r.deleteBeforeReplace };
  const isType = (cls: { __pulumiType?: string }) => cls.__pulumiType === r.type;
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts,
    stackTags: new Map(),
    isType: isType as ResourceValidationArgs["isType"],
    asType: ((cls: { __pulumiType?: string }) => (isType(cls) ? props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: (<T extends object>() => config as T) as ResourceValidationArgs["getConfig"],
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  };
}

function policyResource(r: CapturedResource): PolicyResource {
  const args = resourceArgs(r, {});
  return { type: r.type, props: args.props, urn: r.urn, name: r.name, opts: args.opts, parent: undefined, dependencies: [], propertyDependencies: {}, isType: args.isType, asType: args.asType };
}

/** Runs every policy over the evaluation; returns what they report, in policy order. */
export function runPolicies(evaluation: Evaluation, config: PackConfig = {}, policies: readonly Policy[] = packPolicies): Violation[] {
  const violations: Violation[] = [];
  const resources = evaluation.resources.filter((r) => r.custom);
  const byUrn = new Map(evaluation.resources.map((r) => [r.urn, r]));
  for (const policy of policies) {
    const level = levelOf(policy, config);
    if (level === "disabled") continue;
    const policyConfig = configOf(policy, config);
    if ("validateResource" in policy && policy.validateResource) {
      const validate = policy.validateResource as NonNullable<ResourceValidationPolicy["validateResource"]>;
      const validations = Array.isArray(validate) ? validate : [validate];
      for (const r of resources) {
        for (const v of validations) {
          try {
            void v(resourceArgs(r, policyConfig), (message) => violations.push({ policy: policy.name, enforcementLevel: level, resource: r.name, message }));
          } catch (err) {
            if (!(err instanceof NotApplicable)) throw err;
          }
        }
      }
    }
    if ("validateStack" in policy && policy.validateStack) {
      const validate = policy.validateStack as NonNullable<StackValidationPolicy["validateStack"]>;
      // Each resource names its parent as the SDK does: the parent's own PolicyResource.
      const views = new Map(evaluation.resources.map((r) => [r.urn, policyResource(r)]));
      for (const r of evaluation.resources) if (r.parent && views.has(r.parent)) Object.assign(views.get(r.urn)!, { parent: views.get(r.parent) });
      try {
        void validate(
          {
            resources: resources.map((r) => views.get(r.urn)!),
            getConfig: (<T extends object>() => policyConfig as T) as StackValidationArgs["getConfig"],
            stackTags: new Map(),
            notApplicable: (reason?: string) => {
              throw new NotApplicable(reason);
            },
          },
          (message, urn) => violations.push({ policy: policy.name, enforcementLevel: level, resource: urn ? byUrn.get(urn)?.name : undefined, message }),
        );
      } catch (err) {
        if (!(err instanceof NotApplicable)) throw err;
      }
    }
  }
  return violations;
}

/** Violations as lines for a person. */
export function formatViolations(violations: readonly Violation[]): string[] {
  return violations.map((v) => `${v.enforcementLevel === "mandatory" ? "MANDATORY" : v.enforcementLevel} ${v.policy}${v.resource ? ` (${v.resource})` : ""}: ${v.message}`);
}
