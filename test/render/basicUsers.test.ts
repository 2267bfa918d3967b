/** The edge tells the user of a Basic header from its base64 text alone: exactly, for any name and password. */
import { randomBytes } from "crypto";
import { basicPrefixPattern, knownUsersPattern } from "../../components/render/basicUsers";

const header = (name: string, password: string, scheme = "Basic") => `${scheme} ${Buffer.from(`${name}:${password}`).toString("base64")}`;
const NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789._-";
const randomName = () => Array.from({ length: 1 + (randomBytes(1)[0] % 12) }, () => NAME_CHARS[randomBytes(1)[0] % NAME_CHARS.length]).join("");

describe("knownUsersPattern", () => {
  it("matches every header of a known user, whatever the password, and no header of any other name (3,000 random cases)", () => {
    for (let i = 0; i < 3000; i++) {
      const known = [randomName(), randomName(), randomName()];
      const re = new RegExp(knownUsersPattern(known).replace("(?i:basic)", "[Bb][Aa][Ss][Ii][Cc]"));
      const password = randomBytes(randomBytes(1)[0] % 40).toString("base64");
      const user = known[i % 3];
      expect({ user, password, match: re.test(header(user, password)) }).toEqual({ user, password, match: true });
      const other = randomName();
      if (!known.includes(other)) expect({ known, other, match: re.test(header(other, password)) }).toEqual({ known, other, match: false });
    }
  });

  it("tells apart names that share a start: ci, cia, c, ci.x", () => {
    const re = new RegExp(knownUsersPattern(["ci"]).replace("(?i:basic)", "Basic"));
    expect(re.test(header("ci", "pw"))).toBe(true);
    for (const other of ["cia", "c", "ci.x", "Ci", "xci"]) expect({ other, match: re.test(header(other, "pw")) }).toEqual({ other, match: false });
    // A password holding a colon or nothing at all still names its user.
    expect(re.test(header("ci", ""))).toBe(true);
    expect(re.test(header("ci", "a:b"))).toBe(true);
  });

  it("escapes the base64 characters a pattern treats specially, and matches no header when there are no users", () => {
    // "ab>:" encodes to "YWI+Og": the "+" is escaped.
    expect(basicPrefixPattern("ab>")).not.toMatch(/(?<!\\)[+/]/);
    expect(new RegExp(knownUsersPattern([])).test(header("ci", "pw"))).toBe(false);
    expect(knownUsersPattern(["b", "a", "a"])).toBe(`^(?i:basic) (${basicPrefixPattern("a")}|${basicPrefixPattern("b")})`);
  });
});
