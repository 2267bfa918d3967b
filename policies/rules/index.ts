/** Every rule of the pack, each in its own module (constructing the pack itself starts a server). */
import { Policies } from "@pulumi/policy";
import { backupsScheduled } from "./backupsScheduled";
import { edgeOnlyPublished } from "./edgeOnlyPublished";
import { memoryLimits } from "./memoryLimits";
import { noPlainSecrets } from "./noPlainSecrets";
import { noPrivilege } from "./noPrivilege";
import { nonRootPods } from "./nonRootPods";
import { pinnedImages } from "./pinnedImages";
import { retainedData } from "./retainedData";
import { tlsBeyondLoopback } from "./tlsBeyondLoopback";

export const policies: Policies = [pinnedImages, memoryLimits, noPrivilege, retainedData, edgeOnlyPublished, tlsBeyondLoopback, nonRootPods, noPlainSecrets, backupsScheduled];
