/** What `pulumi destroy` and removals may do to stored data: `regstack:data`. */
import { bool, section, withDefault } from "../decoders";

export const dataKeys = {
  data: section(
    {
      protect: withDefault(bool(), true, { type: "boolean", text: "`protect` the registry's data volume: destroy stops until it is lifted." }),
      deleteOnDestroy: withDefault(bool(), false, { type: "boolean", text: "Let destroy delete data volumes (otherwise they are retained)." }),
    },
    { type: "object", text: "Data safety." },
  ),
};
