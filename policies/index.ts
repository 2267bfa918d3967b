/** The regstack CrossGuard pack: `pulumi preview --policy-pack policies`. The rules live in rules/. */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

new PolicyPack("regstack", { enforcementLevel: "mandatory", policies });
