// A small evaluator of GitHub Actions expressions, enough for the `if:` conditions and values of the review
// workflows: literals, property paths with the `.*.` object filter, ! && || == != and parentheses,
// contains(), fromJSON(). As GitHub does: string comparison ignores case, `&&`/`||` return an operand,
// and '' / null / false / 0 are falsy (GitHub Docs, "Evaluate expressions in workflows and actions":
// operators, "GitHub ignores case when comparing strings", contains, object filters).
type Value = unknown;

function tokenize(src: string): string[] {
    const tokens: string[] = [];
    const re = /\s*(\|\||&&|==|!=|!|\(|\)|,|'(?:[^']|'')*'|-?\d+(?:\.\d+)?|[A-Za-z_][\w-]*(?:\.(?:\*|[A-Za-z_][\w-]*))*)/y;
    for (let at = 0; src.slice(at).trim() !== "";) {
        re.lastIndex = at;
        const m = re.exec(src);
        if (!m) throw new Error(`expression: cannot read ${JSON.stringify(src.slice(at))}`);
        tokens.push(m[1]);
        at = re.lastIndex;
    }
    return tokens;
}

function truthy(v: Value): boolean {
    return !(v === "" || v === null || v === undefined || v === false || v === 0);
}

function equal(a: Value, b: Value): boolean {
    if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
    return a === b;
}

function lookup(path: string, context: Record<string, Value>): Value {
    let values: Value[] = [context];
    let filtered = false;
    for (const part of path.split(".")) {
        if (part === "*") {
            values = values.flatMap((v) => (Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : []));
            filtered = true;
        } else {
            values = values.map((v) => (v && typeof v === "object" ? (v as Record<string, Value>)[part] : undefined));
        }
    }
    return filtered ? values : values[0] ?? null;
}

export function evaluate(expression: string, context: Record<string, Value>): Value {
    const src = expression.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
    const t = tokenize(src);
    let i = 0;
    const peek = () => t[i];
    const next = () => t[i++];
    const expect = (tok: string) => { if (next() !== tok) throw new Error(`expression: expected ${tok} in ${src}`); };
    const or = (): Value => { let v = and(); while (peek() === "||") { next(); const r = and(); v = truthy(v) ? v : r; } return v; };
    const and = (): Value => { let v = unary(); while (peek() === "&&") { next(); const r = unary(); v = truthy(v) ? r : v; } return v; };
    const unary = (): Value => (peek() === "!" ? (next(), !truthy(unary())) : compare());
    const compare = (): Value => {
        const left = primary();
        if (peek() === "==" || peek() === "!=") {
            const op = next();
            const right = primary();
            return op === "==" ? equal(left, right) : !equal(left, right);
        }
        return left;
    };
    const primary = (): Value => {
        const tok = next();
        if (tok === "(") { const v = or(); expect(")"); return v; }
        if (tok.startsWith("'")) return tok.slice(1, -1).replace(/''/g, "'");
        if (/^-?\d/.test(tok)) return Number(tok);
        if (tok === "true" || tok === "false") return tok === "true";
        if (tok === "null") return null;
        if (peek() === "(") {
            next();
            const args: Value[] = [];
            while (peek() !== ")") { args.push(or()); if (peek() === ",") next(); }
            expect(")");
            if (tok === "contains") {
                const [hay, needle] = args;
                return Array.isArray(hay) ? hay.some((x) => equal(x, needle)) : String(hay ?? "").toLowerCase().includes(String(needle ?? "").toLowerCase());
            }
            if (tok === "fromJSON") return JSON.parse(String(args[0]));
            throw new Error(`expression: function ${tok} is not known to this evaluator`);
        }
        return lookup(tok, context);
    };
    const v = or();
    if (i !== t.length) throw new Error(`expression: unexpected ${t[i]} in ${src}`);
    return v;
}

/** A value with `${{ }}` parts, as GitHub interpolates it into a string. */
export function interpolate(text: string, context: Record<string, Value>): string {
    return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e: string) => String(evaluate(e, context) ?? ""));
}

export const isTruthy = truthy;
