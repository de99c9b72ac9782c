#!/usr/bin/env python3
"""Generate the >= 1 GB mixed tree for the secret-scanning throughput benchmark (docs/benchmarks/secrets.md).

    make-secrets-corpus.py [OUT_DIR] [--size-mb N]     default OUT_DIR: $KENSA_BENCH/secrets-1g
                                                          ($KENSA_BENCH defaults to ~/.cache/kensa-bench)

Deterministic: a fixed seed (20261124) drives every byte, so the same tree comes out on every run.
The output must lie outside any git work tree (it is large and full of fake credentials).

The mix, by bytes (of the default 1100 MB):
  * 74 % text in about 8,000 files: source code (.py .go .js .java .ts), configuration (.yaml .json .toml
    .env .properties .tf), Markdown, and logs; lines drawn from seeded pools that contain the words
    scanners key on (password, token, secret, api_key, key-, AKIA-like IDs, base64, hashes, UUIDs,
    URLs with and without credentials) at realistic rates. 4 logs of 40 MB and 6 minified one-line
    JavaScript bundles of 4 MB stress long files and long lines.
  * 26 % binary: random bytes with NULs, named .bin/.so/.png/.gz (skipped by extension) and
    extension-less (must be sniffed), sizes 64 KB - 8 MB.
  * 300 planted fake credentials of 12 kinds in the text files (random, never issued).
"""
import os, random, string, subprocess, sys

SEED = 20261124
args = [a for a in sys.argv[1:] if not a.startswith("--")]
size_mb = 1100
if "--size-mb" in sys.argv:
    size_mb = int(sys.argv[sys.argv.index("--size-mb") + 1])
bench = os.environ.get("KENSA_BENCH", os.path.expanduser("~/.cache/kensa-bench"))
out = os.path.abspath(args[0] if args else os.path.join(bench, "secrets-1g"))
probe = os.path.dirname(out)
os.makedirs(probe, exist_ok=True)
if subprocess.run(["git", "-C", probe, "rev-parse", "--is-inside-work-tree"], capture_output=True).returncode == 0:
    sys.exit(f"refusing to write inside a git work tree: {out}")
if os.path.exists(out):
    subprocess.run(["rm", "-rf", out], check=True)
os.makedirs(out)

R = random.Random(SEED)
AL = string.ascii_letters + string.digits
def rnd(n, a=AL): return "".join(R.choice(a) for _ in range(n))
def hexs(n): return rnd(n, "0123456789abcdef")
def uuid(): return "-".join(hexs(n) for n in (8, 4, 4, 4, 12))

words = ("user order item cart price total count index buffer request response handler client server "
         "config cache session state value result error status message record batch queue worker task "
         "retry timeout limit offset cursor page stream reader writer parser token key secret password "
         "auth login account tenant region bucket object path file name type version id hash digest").split()
def ident(): return "_".join(R.sample(words, R.randint(1, 3)))
def camel(): p = R.sample(words, R.randint(1, 3)); return p[0] + "".join(w.title() for w in p[1:])

def code_lines(n):
    forms = [
        lambda: f"    {ident()} = {ident()}({ident()}, {R.randint(0, 9999)})",
        lambda: f"    if {ident()} is None or len({ident()}) > {R.randint(1, 512)}:",
        lambda: f"        return {camel()}.{camel()}({ident()}=\"{R.choice(words)}\", limit={R.randint(1, 500)})",
        lambda: f"    // {' '.join(R.choices(words, k=R.randint(4, 12)))}",
        lambda: f"    const {camel()} = await fetch(`/api/v1/{ident()}/${{{camel()}}}`);",
        lambda: f"    {camel()} := {camel()}.Get{camel().title()}(ctx, \"{ident()}\")",
        lambda: f"    log.info(\"{' '.join(R.choices(words, k=5))}\", extra={{\"{ident()}\": {R.randint(0, 10**6)}}})",
        lambda: f"    password = request.form.get(\"password\")",
        lambda: f"    token = self.{ident()}_token or os.environ[\"{ident().upper()}_TOKEN\"]",
        lambda: f"    digest = \"{hexs(64)}\"",
        lambda: f"    request_id = \"{uuid()}\"",
        lambda: f"    secret_ref = SecretKeyRef(name=\"{ident().replace('_', '-')}\", key=\"{ident()}\")",
        lambda: f"    api_key = config[\"{ident()}\"][\"api_key\"]",
        lambda: f"    blob = \"{rnd(60, AL + '+/')}\"",
        lambda: f"    url = \"https://{ident().replace('_', '-')}.example.internal/{ident()}?page={R.randint(1, 99)}\"",
        lambda: "",
        lambda: "    }",
    ]
    return [R.choice(forms)() for _ in range(n)]

def config_lines(n):
    forms = [
        lambda: f"  {ident()}: {R.choice(['true', 'false', str(R.randint(0, 65535)), ident()])}",
        lambda: f"  {ident().upper()}={R.choice([ident(), str(R.randint(0, 10**6)), '${' + ident().upper() + '}'])}",
        lambda: f"  image: registry.internal/{ident()}@sha256:{hexs(64)}",
        lambda: f"  secretName: {ident().replace('_', '-')}-tls",
        lambda: f"  password: ${{{ident().upper()}_PASSWORD}}",
        lambda: f"  token_url: https://auth.internal/{ident()}/token",
        lambda: f"  checksum: {hexs(40)}",
        lambda: f"  database_url: postgres://{ident()}@db.internal:5432/{ident()}",
        lambda: f"  - name: {ident()}\n    value: \"{rnd(12)}\"",
        lambda: f"  description: {' '.join(R.choices(words, k=R.randint(3, 10)))}",
    ]
    return [R.choice(forms)() for _ in range(n)]

def log_lines(n):
    lv = ["INFO", "DEBUG", "WARN", "ERROR"]
    forms = [
        lambda: f"2026-11-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}Z {R.choice(lv)} {ident()} {' '.join(R.choices(words, k=R.randint(3, 9)))} id={uuid()}",
        lambda: f"10.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(0, 255)} - - \"GET /api/{ident()}?token=&page={R.randint(1, 50)} HTTP/1.1\" {R.choice([200, 200, 304, 404, 500])} {R.randint(10, 99999)}",
        lambda: f"{R.choice(lv)} auth: login for user {ident()} ok session={hexs(32)}",
    ]
    return [R.choice(forms)() for _ in range(n)]

POOL = {"code": code_lines(30000), "config": config_lines(20000), "log": log_lines(30000)}

def planted():
    kinds = [
        lambda: f"GH_TOKEN=ghp_{rnd(36)}",
        lambda: f"aws_access_key_id = AKIA{rnd(16, string.ascii_uppercase + '234567')}",
        lambda: f"STRIPE_KEY=sk_live_{rnd(40)}",
        lambda: f"SLACK_BOT_TOKEN=xoxb-{R.randint(10**10, 10**11)}-{R.randint(10**12, 10**13)}-{rnd(24)}",
        lambda: f"NPM_TOKEN=npm_{rnd(36)}",
        lambda: f"glpat-{rnd(20)}",
        lambda: f"DB_PASSWORD='Qx{rnd(12)}!7'",
        lambda: f"OPENAI_API_KEY=sk-proj-{rnd(40)}T3BlbkFJ{rnd(40)}",
        lambda: f"hf_{rnd(34, string.ascii_letters)}",
        lambda: f"postgresql://svc:{rnd(14)}9@db.internal/app",
        lambda: f"AIza{rnd(35, AL + '_-')}",
        lambda: f"SENDGRID=SG.{rnd(22)}.{rnd(43)}",
    ]
    return R.choice(kinds)()

ext = {"code": [".py", ".go", ".js", ".java", ".ts"], "config": [".yaml", ".json", ".toml", ".env", ".properties", ".tf", ".md"], "log": [".log"]}
target = size_mb * 1024 * 1024
text_target, written, nfiles, planted_n = int(target * 0.74), 0, 0, 0

def write_text(path, kind, nbytes, one_line=False):
    global written, nfiles, planted_n
    lines, size = [], 0
    pool = POOL[kind]
    while size < nbytes:
        chunk = R.choices(pool, k=256)
        lines += chunk
        size += sum(len(l) + 1 for l in chunk)
    if planted_n < 300 and R.random() < 0.12:
        for _ in range(R.randint(1, 3)):
            lines.insert(R.randrange(len(lines)), planted()); planted_n += 1
    data = (" ".join(l.strip() for l in lines) if one_line else "\n".join(lines) + "\n").encode()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    written += len(data); nfiles += 1

for i in range(4):
    write_text(f"{out}/var/log/app-{i}.log", "log", 40 << 20)
for i in range(6):
    write_text(f"{out}/web/dist/bundle-{i}.min.js", "code", 4 << 20, one_line=True)
d = 0
while written < text_target:
    kind = R.choices(["code", "config", "log"], weights=[6, 3, 1])[0]
    size = int(R.lognormvariate(10.5, 1.2))  # median ~36 KB
    size = max(200, min(size, 6 << 20))
    if nfiles % 40 == 0: d += 1
    write_text(f"{out}/src/pkg{d % 97}/mod{d}/{ident()}{nfiles}{R.choice(ext[kind])}", kind, size)

binary_written, nbin = 0, 0
while written + binary_written < target:
    size = R.choice([64 << 10, 256 << 10, 1 << 20, 2 << 20, 8 << 20])
    data = bytearray(R.randbytes(size))
    for k in range(0, size, 4096): data[k] = 0
    name = f"{out}/bin/blob{nbin // 50}/obj{nbin}{R.choice(['.bin', '.so', '.png', '.gz', '', ''])}"
    os.makedirs(os.path.dirname(name), exist_ok=True)
    with open(name, "wb") as f:
        f.write(data)
    binary_written += size; nbin += 1

print(f"{out}: {nfiles} text files ({written / 2**20:.0f} MiB), {nbin} binary files ({binary_written / 2**20:.0f} MiB), "
      f"{planted_n} planted credentials, total {(written + binary_written) / 2**20:.0f} MiB")
