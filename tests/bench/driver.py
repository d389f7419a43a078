#!/usr/bin/env python3
"""Runs the capacity set (part "issue6": creates, lookups, member PATCHes,
group reads, an Okta sync, the SCIMMY peer) and the noisy-neighbour figure
(part "noisy": one tenant's worst requests beside another tenant's lookups)
against built binaries and prints a table, the targets, then one
"name value unit" line per figure.

tests/bench/run.sh builds Release, starts the database servers and calls
this; ctest's bench_smoke calls it at --profile toy on SQLite (--check).

  driver.py --build DIR [--backends sqlite,postgres,mysql] [--profile toy|quick|full]
            [--runs N] [--only issue6,noisy] [--no-peer] [--peer-script PATH] [--check] [--keep DIR]

Server backends need the environment tests/databases.sh writes
(KESTRA_TEST_PG_PORT, KESTRA_TEST_MYSQL_PORT, KESTRA_TEST_DB_USER/PASSWORD).
Each backend gets a fresh schema / database / file, dropped at the end.
Figures are medians over --runs; each ratio is computed within one run and
its median reported.  Python 3 standard library only.
"""

import argparse
import base64
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OKTA_USER = os.path.join(ROOT, "tests", "scim", "testdata", "okta", "create_user.json")
SANITIZER_SUMMARY = re.compile(r"^SUMMARY: (Address|Leak|UndefinedBehavior|Thread|Memory)Sanitizer")
FIGURE = re.compile(r"^([A-Za-z0-9_.]+) (-?[0-9.]+(?:e[-+]?[0-9]+)?|nan|inf) (\S+)$")
MAIN_TENANT = "bench"
SYNC_TENANT = "bench-sync"
NOISY_A_TENANT = "noisy-a"  # noisy neighbour: the tenant sending the worst shapes
NOISY_B_TENANT = "noisy-b"  # and the one whose lookups should not suffer
PARTS = ("issue6", "noisy")
POOL = 4  # harness workers and module database sessions (the default on 2 cores)

PROFILES = {
    # sizes chosen so that each load runs long enough to be measured
    "toy": dict(main_users=300, tenants=2, tenant_users=50, group_sizes=[10, 100], create=40, conc=[1, 4],
                lookup_conc=[4], lookup_s=1, transport_s=1, patch_cycles=20, read_full=5, read_excluded=20,
                sync_users=40, sync_groups=2, sync_members=10, sync_conc=4, runs=1,
                noisy_a_users=300, noisy_b_users=100, noisy_group=100, noisy_bytes=100000, noisy_big=1,
                noisy_rate=20, noisy_s=2, noisy_a_conc=4, noisy_hold=0.5, noisy_stall=2),
    "quick": dict(main_users=10000, tenants=10, tenant_users=1000, group_sizes=[10, 1000, 10000], create=500,
                  conc=[1, 8, 32], lookup_conc=[8, 32], lookup_s=3, transport_s=2, patch_cycles=200, read_full=10,
                  read_excluded=200, sync_users=1000, sync_groups=10, sync_members=100, sync_conc=8, runs=1,
                  noisy_a_users=22000, noisy_b_users=2000, noisy_group=2000, noisy_bytes=1000000, noisy_big=3,
                  noisy_rate=50, noisy_s=10, noisy_a_conc=4, noisy_hold=2, noisy_stall=8),
    "full": dict(main_users=100000, tenants=10, tenant_users=10000, group_sizes=[10, 10000, 100000], create=3000,
                 conc=[1, 8, 32], lookup_conc=[8, 32], lookup_s=10, transport_s=5, patch_cycles=500, read_full=20,
                 read_excluded=1000, sync_users=10000, sync_groups=100, sync_members=100, sync_conc=8, runs=3,
                 noisy_a_users=22000, noisy_b_users=10000, noisy_group=2000, noisy_bytes=1000000, noisy_big=10,
                 noisy_rate=50, noisy_s=30, noisy_a_conc=4, noisy_hold=2, noisy_stall=8),
}


def size_label(n):
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


def parse_figures(text, check=False):
    figures = {}
    for line in text.splitlines():
        match = FIGURE.match(line.strip())
        if not match:
            if check and line.strip():
                raise BenchError(f"malformed figure line: {line!r}")
            continue
        figures[match.group(1)] = (float(match.group(2)), match.group(3))
    return figures


def memory_mb(pid):
    """VmRSS and VmHWM of a process, in MB."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024.0
    return values["VmRSS"], values["VmHWM"]


def reset_peak(pid):
    """Sets VmHWM back to the current RSS (Linux clear_refs 5)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """A fresh place for one backend's data: a SQLite file, a PostgreSQL
    schema or a MariaDB database.  `name` tells two of one backend apart."""

    def __init__(self, backend, name, state):
        self.backend = backend
        self.name = name
        self.state = state
        self.user = os.environ.get("KESTRA_TEST_DB_USER", "kestra")
        self.password = os.environ.get("KESTRA_TEST_DB_PASSWORD", "")
        if backend == "postgres":
            self.port = os.environ["KESTRA_TEST_PG_PORT"]
        elif backend == "mysql":
            self.port = os.environ["KESTRA_TEST_MYSQL_PORT"]

    def create(self):
        if self.backend == "postgres":
            self._psql(f"DROP SCHEMA IF EXISTS {self.name} CASCADE; CREATE SCHEMA {self.name}")
        elif self.backend == "mysql":
            self._mysql(f"DROP DATABASE IF EXISTS {self.name}; "
                        f"CREATE DATABASE {self.name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")

    def drop(self):
        try:
            if self.backend == "postgres":
                self._psql(f"DROP SCHEMA IF EXISTS {self.name} CASCADE")
            elif self.backend == "mysql":
                self._mysql(f"DROP DATABASE IF EXISTS {self.name}")
        except (BenchError, OSError) as e:
            log(f"cannot drop {self.name}: {e}")

    def analyze(self):
        """Gathers planner statistics, as autovacuum (PostgreSQL) or InnoDB's
        automatic recalculation (MariaDB) would soon after an import: the
        figures are of the steady state, not of the first minute."""
        if self.backend == "postgres":
            self._psql(f"SET search_path = {self.name}; "
                       "DO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables "
                       "WHERE schemaname = current_schema() LOOP EXECUTE 'ANALYZE ' || quote_ident(t); "
                       "END LOOP; END $$")
        elif self.backend == "mysql":
            tables = self._mysql(f"SELECT table_name FROM information_schema.tables "
                                 f"WHERE table_schema = '{self.name}'", "-N").split()
            if tables:
                self._mysql(f"ANALYZE TABLE {', '.join(f'{self.name}.{t}' for t in tables)}")

    def _psql(self, sql):
        run_command(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", self.port, "-U", self.user,
                     "-d", "kestra", "-c", "SET client_min_messages = warning; " + sql],
                    env=dict(os.environ, PGPASSWORD=self.password))

    def _mysql(self, sql, *options):
        """Runs `sql`; its output."""
        return run_command(["mariadb", "-h", "127.0.0.1", "-P", self.port, f"-u{self.user}", f"-p{self.password}",
                            *options, "-e", sql]).stdout

    def sqlite_path(self):
        return os.path.join(self.state, f"{self.name}.db")

    def harness_yaml(self):
        if self.backend == "sqlite":
            return f"kestra.scim.sqlite.path: {self.sqlite_path()}\n"
        if self.backend == "postgres":
            return (f"kestra.repository.type: postgres\n"
                    f"datasources.postgres.url: \"jdbc:postgresql://127.0.0.1:{self.port}/kestra?currentSchema={self.name}\"\n"
                    f"datasources.postgres.username: {self.user}\n"
                    f"datasources.postgres.password: \"{self.password}\"\n")
        return (f"kestra.repository.type: mysql\n"
                f"datasources.mysql.url: \"jdbc:mysql://127.0.0.1:{self.port}/{self.name}\"\n"
                f"datasources.mysql.username: {self.user}\n"
                f"datasources.mysql.password: \"{self.password}\"\n")

    def tool_args(self):
        """The STORE options of kestra-bench-seed and kestra-bench-raw."""
        if self.backend == "sqlite":
            return ["--backend", "sqlite", "--sqlite-path", self.sqlite_path()]
        if self.backend == "postgres":
            return ["--backend", "postgresql", "--schema", self.name, "--connection",
                    f"host=127.0.0.1 port={self.port} dbname=kestra user={self.user} password={self.password}"]
        return ["--backend", "mysql", "--connection",
                f"host=127.0.0.1 port={self.port} db={self.name} user={self.user} password={self.password} charset=utf8mb4"]


def run_command(argv, timeout=None, env=None, check=True):
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout, env=env)
    if check and result.returncode != 0:
        raise BenchError(f"{os.path.basename(argv[0])} exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return result


class Harness:
    """kestra-harness with the module, on port 0, logs in the state dir."""

    def __init__(self, build, state, database):
        self.build = build
        self.state = state
        self.database = database
        self.password = secrets.token_urlsafe(18)
        self.process = None
        self.url = None
        self.fair_share = True

    def start(self, fair_share=True):
        self.fair_share = fair_share
        plugins = os.path.join(self.state, "plugins")
        os.makedirs(plugins, exist_ok=True)
        module = os.path.join(self.build, "module", "libkestra-scim.so")
        link = os.path.join(plugins, "libkestra-scim.so")
        if not os.path.exists(link):
            os.symlink(module, link)
        tenants = [MAIN_TENANT, SYNC_TENANT, NOISY_A_TENANT, NOISY_B_TENANT] + [f"bench-{k}" for k in range(10)]
        config = os.path.join(self.state, "application.yml")
        with open(config, "w") as out:
            out.write(f"micronaut.server.host: 127.0.0.1\nmicronaut.server.port: 0\n"
                      f"kestra.plugins.path: {plugins}\nkestra.ee.tenants.enabled: true\n"
                      f"kestra.tenants: [{', '.join(tenants)}]\n"
                      f"kestra.security.superAdmin.username: admin\n"
                      f"kestra.security.superAdmin.password: \"{self.password}\"\n"
                      f"kestra.harness.data-dir: {os.path.join(self.state, 'data')}\n"
                      f"kestra.harness.workers: {POOL}\nkestra.scim.datasource.pool-size: {POOL}\n"
                      # The benchmark measures capacity, not the per-integration limit
                      # (the noisy tenant's shapes are served, not refused 429).  The
                      # failed-auth limit per address stays at its default: the
                      # noisy figure counts its 429s apart.
                      f"kestra.scim.rate-limit.enabled: false\n"
                      # The capacity set's loads measure one tenant's capacity: its
                      # share of the sessions is lifted; the noisy figure keeps it.
                      f"kestra.scim.fair-share.enabled: {'true' if fair_share else 'false'}\n"
                      + self.database.harness_yaml())
        self.log_path = os.path.join(self.state, "harness.log")
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen([os.path.join(self.build, "tests", "harness", "kestra-harness"),
                                         "--config", config], stdout=self.log_file, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            with open(self.log_path) as text:
                for line in text:
                    if line.startswith("listening on "):
                        self.url = line.split()[-1].strip()
                        return
            if self.process.poll() is not None:
                raise BenchError(f"the harness exited: {open(self.log_path).read()[-2000:]}")
            time.sleep(0.1)
        raise BenchError("the harness did not start within 60 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log_file.close()
            self.process = None
            # A sanitizer build (tests/sanitizers/) reports into the harness's log.
            with open(self.log_path, errors="replace") as text:
                report = [line for line in text if SANITIZER_SUMMARY.match(line)]
            if report:
                raise BenchError(f"the harness printed a sanitizer report ({self.log_path}): {report[0].strip()}")
        self.process = None

    @property
    def pid(self):
        return self.process.pid

    def integration(self, tenant, name):
        """Creates a SCIM integration; (SCIM base path, token)."""
        body = json.dumps({"name": name, "type": "SCIM"}).encode()
        request = urllib.request.Request(f"{self.url}/api/v1/{tenant}/security-integrations", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header("Authorization",
                           "Basic " + base64.b64encode(f"admin:{self.password}".encode()).decode())
        with urllib.request.urlopen(request, timeout=30) as response:
            created = json.load(response)
        return f"/api/v1/{tenant}/integrations/{created['id']}/scim/v2", created["secretToken"], created["id"]


class Peer:
    """The SCIMMY peer (../shared/peers/start-scimmy.sh): in memory, one per backend."""

    def __init__(self, script, state):
        self.script = script
        self.port = free_port()
        self.token = "peer-token"
        self.peer_dir = os.environ.get("KESTRA_BENCH_PEER_DIR", "/tmp/kestra-bench-peer")
        self.pid = None

    def start(self):
        env = dict(os.environ, PORT=str(self.port), SCIM_TOKEN=self.token, PEER_DIR=self.peer_dir)
        result = run_command(["bash", self.script], env=env, timeout=600)
        match = re.search(r"PID (\d+)", result.stdout)
        if not match:
            raise BenchError(f"the SCIMMY peer did not report its PID: {result.stdout} {result.stderr}")
        self.pid = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}"
        self.base = "/scim/v2"

    def stop(self):
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.pid = None


class BackendRun:
    """Seeds one backend once, then measures every load --runs times."""

    def __init__(self, options, backend, profile, state):
        self.options = options
        self.backend = backend
        self.p = profile
        self.state = state
        self.build = options.build
        self.bench_bin = os.path.join(self.build, "tests", "bench")
        tag = f"kb{os.getpid()}"
        self.store = Database(backend, f"{tag}_main", state)
        self.raw_store = Database(backend, f"{tag}_raw", state)
        self.harness = Harness(self.build, state, self.store)
        self.peer = Peer(options.peer_script, state) if options.peer_script else None
        self.runs = []  # one dict name -> (value, unit) per run
        self.errors = []

    # -- tools --------------------------------------------------------------

    def load_argv(self, name, args, url=None, token=None):
        argv = [os.path.join(self.bench_bin, "kestra-bench-load"), "--url", url or self.harness.url,
                "--name", name] + [str(a) for a in args]
        if token:
            argv += ["--token", token]
        return argv

    def load_figures(self, name, returncode, stdout, stderr):
        figures = parse_figures(stdout, check=self.options.check)
        if returncode != 0 or f"{name}_rps" not in figures:
            self.errors.append(f"{self.backend} {name}: {stderr.strip()[-600:]}")
            log(f"ERRORS in {name}: {stderr.strip()[-600:]}")
        return figures

    def load(self, name, args, url=None, token=None, track_rss=True, timeout=3600):
        """Runs kestra-bench-load; its figures, with the harness's peak RSS."""
        argv = self.load_argv(name, args, url, token)
        measure = track_rss and url is None
        if measure:
            rss_before, _ = memory_mb(self.harness.pid)
            reset_peak(self.harness.pid)
        result = run_command(argv, timeout=timeout, check=False)
        figures = self.load_figures(name, result.returncode, result.stdout, result.stderr)
        if measure:
            rss_after, peak = memory_mb(self.harness.pid)
            figures[f"{name}_rss_peak"] = (peak, "MB")
            figures[f"{name}_rss_growth"] = (max(0.0, peak - rss_before), "MB")
        return figures

    def seed(self, tenant, integration, prefix, users, groups=(), ids_out=None, ids_count=100):
        """Seeds `users` in `tenant` and `groups` (name, size); {group name: id}."""
        argv = [os.path.join(self.bench_bin, "kestra-bench-seed")] + self.store.tool_args() + [
            "--tenant", tenant, "--prefix", prefix, "--users", users,
            "--threads", 1 if self.backend == "sqlite" else POOL]
        if integration:
            argv += ["--integration", integration]
        for name, size in groups:
            argv += ["--group", f"{name}:{size}"]
        if ids_out:
            argv += ["--ids-out", ids_out, "--ids-count", ids_count]
        result = run_command([str(a) for a in argv], timeout=4 * 3600)
        return {m.group(1): m.group(2) for m in re.finditer(r"^group (\S+) (\S+)$", result.stdout, re.M)}

    def raw(self, name, prefix, users, sessions):
        argv = [os.path.join(self.bench_bin, "kestra-bench-raw")] + self.raw_store.tool_args() + [
            "--prefix", prefix, "--users", str(users), "--connections", str(sessions), "--name", name]
        result = run_command(argv, timeout=3600)
        return parse_figures(result.stdout, check=self.options.check)

    # -- the set ------------------------------------------------------------

    def execute(self):
        try:
            self.store.create()
            self.raw_store.create()
            parts = self.options.only
            self.harness.start(fair_share="issue6" not in parts)
            log(f"{self.backend}: harness at {self.harness.url} (pid {self.harness.pid})")
            idle_start, _ = memory_mb(self.harness.pid)
            if "issue6" in parts:
                self.base, self.token, integration_id = self.harness.integration(MAIN_TENANT, "bench")
                self.sync_base, self.sync_token, _ = self.harness.integration(SYNC_TENANT, "bench-sync")
                self.prepare(integration_id)
            if "noisy" in parts:
                self.prepare_noisy()
            idle_seeded, _ = memory_mb(self.harness.pid)
            for run in range(1, self.options.runs + 1):
                log(f"{self.backend}: run {run}/{self.options.runs}")
                figures = {"rss_idle_start": (idle_start, "MB"), "rss_idle_seeded": (idle_seeded, "MB")}
                if "issue6" in parts:
                    self.use_fair_share(False)
                    self.measure(run, figures)
                if "noisy" in parts:
                    self.use_fair_share(True)
                    self.measure_noisy(run, figures)
                figures["rss_idle_after_run"] = (memory_mb(self.harness.pid)[0], "MB")
                self.runs.append(figures)
        finally:
            self.harness.stop()
            if self.peer:
                self.peer.stop()
            if not self.options.keep:
                self.store.drop()
                self.raw_store.drop()

    def use_fair_share(self, enabled):
        """Restarts the harness when its fair share setting differs (the store keeps everything)."""
        if self.harness.fair_share == enabled:
            return
        self.harness.stop()
        self.harness.start(fair_share=enabled)
        log(f"{self.backend}: harness restarted with fair share {'on' if enabled else 'off'} (pid {self.harness.pid})")

    def prepare(self, integration_id):
        p = self.p
        started = time.time()
        self.group_ids = self.seed(MAIN_TENANT, integration_id, "seed", p["main_users"],
                                   [(f"bench-{size_label(s)}", s) for s in p["group_sizes"]],
                                   ids_out=os.path.join(self.state, "members.txt"))
        log(f"{self.backend}: {p['main_users']} users and groups {p['group_sizes']} in {time.time() - started:.0f} s")
        started = time.time()
        for k in range(p["tenants"]):
            self.seed(f"bench-{k}", None, f"t{k}", p["tenant_users"])
        log(f"{self.backend}: {p['tenants']} tenants of {p['tenant_users']} users in {time.time() - started:.0f} s")
        self.store.analyze()
        if self.peer:
            try:
                self.peer.start()
            except (BenchError, subprocess.TimeoutExpired) as e:
                log(f"{self.backend}: the SCIMMY peer did not start, side-by-side figures skipped: {e}")
                self.errors.append(f"{self.backend} peer: did not start")
                self.peer = None
                return
            started = time.time()
            figures = self.load("peer_seed", ["--scenario", "create", "--base", self.peer.base, "--prefix", "seed",
                                              "--body-file", OKTA_USER, "--connections", 8,
                                              "--requests", p["main_users"]],
                                url=self.peer.url, token=self.peer.token)
            log(f"{self.backend}: peer seeded with {p['main_users']} users in {time.time() - started:.0f} s "
                f"({figures.get('peer_seed_rps', (0,))[0]:.0f} req/s)")

    def prepare_noisy(self):
        """The noisy neighbour's two tenants, each with its own integration: A with
        noisy_a_users users (their ids for the member PATCHes), a group of
        noisy_group members and one of all of them (several MB to read);
        B with noisy_b_users users to look up."""
        p = self.p
        started = time.time()
        self.noisy_a_base, self.noisy_a_token, a_id = self.harness.integration(NOISY_A_TENANT, "noisy-a")
        self.noisy_b_base, self.noisy_b_token, b_id = self.harness.integration(NOISY_B_TENANT, "noisy-b")
        self.noisy_ids = os.path.join(self.state, "noisy-a-ids.txt")
        groups = self.seed(NOISY_A_TENANT, a_id, "na", p["noisy_a_users"],
                           [("noisy-small", p["noisy_group"]), ("noisy-large", p["noisy_a_users"])],
                           ids_out=self.noisy_ids, ids_count=p["noisy_a_users"])
        self.noisy_group_small, self.noisy_group_large = groups["noisy-small"], groups["noisy-large"]
        self.seed(NOISY_B_TENANT, b_id, "nb", p["noisy_b_users"])
        self.store.analyze()
        log(f"{self.backend}: noisy tenants of {p['noisy_a_users']} and {p['noisy_b_users']} users "
            f"in {time.time() - started:.0f} s")

    def measure_noisy(self, run, figures):
        """The noisy neighbour: B's lookups idle and beside A's worst shapes; the 1 MB
        PATCHes against a 1 MB POST."""
        p = self.p
        # 1. A's 1 MB writes, one at a time on an otherwise idle host.  Its
        # POSTed users (1 MB of emails each) are the large users A's
        # list_large shape pages through below.
        big = self.load("noisy_big", ["--scenario", "big-writes", "--base", self.noisy_a_base, "--prefix", f"r{run}",
                                      "--ids", self.noisy_ids, "--body-bytes", p["noisy_bytes"],
                                      "--group-small", self.noisy_group_small, "--connections", 1,
                                      "--requests", p["noisy_big"]], token=self.noisy_a_token)
        figures.update(big)
        # A member add against a POST /Groups of the same members (the same
        # rows written); the email add and the unknown ids against a POST
        # /Users of 1 MB of emails.
        ratio(figures, "noisy_patch_members_1mb_vs_post", "noisy_big_patch_members_1mb_p50",
              "noisy_big_post_group_1mb_p50")
        for shape in ("patch_emails_1mb", "patch_unknown_members_1mb"):
            ratio(figures, f"noisy_{shape}_vs_post", f"noisy_big_{shape}_p50", "noisy_big_post_1mb_p50")
        # 2. B alone, at a steady modest rate.
        lookup = ["--scenario", "lookup", "--base", self.noisy_b_base, "--prefix", "nb", "--users",
                  p["noisy_b_users"], "--seed", run, "--connections", 2, "--rate", p["noisy_rate"]]
        figures.update(self.load("noisy_b_idle", lookup + ["--duration", p["noisy_s"], "--warmup", 20],
                                 token=self.noisy_b_token))
        # 3. B again while A's clients loop over the shapes.
        margin = 1.0
        a_argv = self.load_argv("noisy_a", ["--scenario", "noisy", "--base", self.noisy_a_base,
                                            "--prefix", f"r{run}", "--group-small", self.noisy_group_small,
                                            "--group-large", self.noisy_group_large, "--ids", self.noisy_ids,
                                            "--body-bytes", p["noisy_bytes"], "--hold", p["noisy_hold"],
                                            "--stall-connections", p["noisy_stall"],
                                            "--connections", p["noisy_a_conc"],
                                            "--duration", p["noisy_s"] + 2 * margin], token=self.noisy_a_token)
        rss_before, _ = memory_mb(self.harness.pid)
        reset_peak(self.harness.pid)
        noisy = subprocess.Popen(a_argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(margin)
            figures.update(self.load("noisy_b_loaded", lookup + ["--duration", p["noisy_s"]],
                                     token=self.noisy_b_token, track_rss=False))
            out, err = noisy.communicate(timeout=600 + 10 * p["noisy_s"])
        finally:
            if noisy.poll() is None:
                noisy.kill()
                noisy.wait()
        figures.update(self.load_figures("noisy_a", noisy.returncode, out, err))
        _, peak = memory_mb(self.harness.pid)
        figures["noisy_a_rss_peak"] = (peak, "MB")
        figures["noisy_a_rss_growth"] = (max(0.0, peak - rss_before), "MB")
        for q in ("p50", "p99"):
            ratio(figures, f"noisy_b_{q}_loaded_vs_idle", f"noisy_b_loaded_{q}", f"noisy_b_idle_{q}")

    def measure(self, run, figures):
        p = self.p
        scim = ["--base", self.base]

        # 2 (part): the transport ceiling, a trivial host route.
        for c in p["lookup_conc"]:
            figures.update(self.load(f"transport_c{c}", ["--scenario", "get", "--path", "/health",
                                                         "--connections", c, "--duration", p["transport_s"],
                                                         "--warmup", 200]))
        # 1. create, beside the raw SOCI ceiling and the peer.
        for c in p["conc"]:
            name = f"create_c{c}"
            figures.update(self.load(name, ["--scenario", "create"] + scim + [
                "--prefix", f"r{run}c{c}", "--body-file", OKTA_USER, "--connections", c,
                "--requests", p["create"], "--warmup", min(50, p["create"])], token=self.token))
            raw = self.raw(f"create_raw_c{c}", f"raw{run}c{c}", p["create"], min(c, POOL))
            figures.update(raw)
            ratio(figures, f"create_c{c}_vs_raw", f"create_c{c}_rps", f"create_raw_c{c}_rps")
            if self.peer:
                figures.update(self.load(f"peer_create_c{c}", ["--scenario", "create", "--base", self.peer.base,
                                                               "--prefix", f"r{run}c{c}", "--body-file", OKTA_USER,
                                                               "--connections", c, "--requests", p["create"],
                                                               "--warmup", min(50, p["create"])],
                                         url=self.peer.url, token=self.peer.token))
                ratio(figures, f"create_c{c}_vs_peer", f"create_c{c}_rps", f"peer_create_c{c}_rps")
        # 2. look up by userName among main_users, beside transport and peer.
        for c in p["lookup_conc"]:
            name = f"lookup_c{c}"
            figures.update(self.load(name, ["--scenario", "lookup"] + scim + [
                "--prefix", "seed", "--users", p["main_users"], "--seed", run, "--connections", c,
                "--duration", p["lookup_s"], "--warmup", 200], token=self.token))
            ratio(figures, f"{name}_vs_transport", f"{name}_rps", f"transport_c{c}_rps")
            if self.peer:
                figures.update(self.load(f"peer_{name}", ["--scenario", "lookup", "--base", self.peer.base,
                                                          "--prefix", "seed", "--users", p["main_users"],
                                                          "--seed", run, "--connections", c,
                                                          "--duration", p["lookup_s"], "--warmup", 2],
                                         url=self.peer.url, token=self.peer.token))
                ratio(figures, f"{name}_vs_peer", f"{name}_rps", f"peer_{name}_rps")
        # 3. membership PATCH (remove one, add it back) per group size.
        members = os.path.join(self.state, "members.txt")
        for size in p["group_sizes"]:
            label = size_label(size)
            group = self.group_ids[f"bench-{label}"]
            got = self.load(f"patch_member_{label}", ["--scenario", "patch-members"] + scim + [
                "--group", group, "--ids", members, "--ids-count", min(size, 100), "--connections", 1,
                "--requests", p["patch_cycles"], "--warmup", 10], token=self.token)
            for op in ("add", "remove"):
                for q in ("p50", "p99"):
                    key = f"patch_member_{label}_{op}_{q}"
                    if key in got:
                        figures[f"patch_{op}_member_{label}_{q}"] = got.pop(key)
            figures.update(got)
        smallest, largest = size_label(p["group_sizes"][0]), size_label(p["group_sizes"][-1])
        for op in ("add", "remove"):
            ratio(figures, f"patch_{op}_member_{largest}_vs_{smallest}", f"patch_{op}_member_{largest}_p50",
                  f"patch_{op}_member_{smallest}_p50")
        # 4. large group reads, with and without members.
        for size in p["group_sizes"]:
            label = size_label(size)
            group = self.group_ids[f"bench-{label}"]
            figures.update(self.load(f"group_read_excluded_{label}", ["--scenario", "get", "--path",
                                     f"{self.base}/Groups/{group}?excludedAttributes=members", "--connections", 1,
                                     "--requests", p["read_excluded"], "--warmup", 10], token=self.token))
            figures.update(self.load(f"group_read_full_{label}", ["--scenario", "get", "--path",
                                     f"{self.base}/Groups/{group}", "--connections", 1,
                                     "--requests", p["read_full"], "--warmup", 1], token=self.token))
        # 5. Okta's initial push into an empty tenant.
        figures.update(self.load("okta_sync", ["--scenario", "okta-sync", "--base", self.sync_base,
                                               "--prefix", f"sync{run}", "--body-file", OKTA_USER,
                                               "--users", p["sync_users"], "--groups", p["sync_groups"],
                                               "--members", p["sync_members"], "--connections", p["sync_conc"]],
                                 token=self.sync_token))


def ratio(figures, name, numerator, denominator):
    if numerator in figures and denominator in figures and figures[denominator][0] > 0:
        figures[name] = (figures[numerator][0] / figures[denominator][0], "ratio")


# Targets of the capacity set: (figure pattern, comparison, bound).
TARGETS = [
    (r"create_c\d+_vs_raw", ">=", 0.75),
    (r"lookup_c\d+_vs_transport", ">=", 0.5),
    (r"patch_(add|remove)_member_\w+_vs_\w+", "<=", 1.5),
    (r"group_read_excluded_\w+_p50", "<=", 2.0),
    (r"group_read_full_\w+_rss_growth", "<", 64.0),
    (r"(create|lookup)_c\d+_vs_peer", ">=", 10.0),
    # the noisy neighbour: tenant B beside tenant A's worst shapes; 1 MB PATCH vs POST
    (r"noisy_b_p(50|99)_loaded_vs_idle", "<=", 2.0),
    (r"noisy_patch_(members|emails)_1mb_vs_post", "<=", 3.0),
]


def target_of(name):
    for pattern, op, bound in TARGETS:
        if re.fullmatch(pattern, name):
            return op, bound
    return None


def meets(value, op, bound):
    return {">=": value >= bound, "<=": value <= bound, "<": value < bound}[op]


def medians(runs):
    names = []
    for figures in runs:
        for name in figures:
            if name not in names:
                names.append(name)
    out = {}
    for name in names:
        values = [f[name][0] for f in runs if name in f]
        unit = next(f[name][1] for f in runs if name in f)
        out[name] = (statistics.median(values), unit)
    return out


def fmt(value):
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 0.01:
        return f"{value:.3g}"
    return f"{value:.2e}"


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.platform()}; "
            f"load average at start {load[0]:.2f}")


def in_table(name, values):
    """The table leaves out bookkeeping figures; the lines keep everything."""
    if name.endswith("_errors"):
        return any(values)
    if name.endswith("_requests") or (name.endswith("_wall") and name != "okta_sync_wall"):
        return False
    if name.endswith("_rss_growth"):
        return name.startswith("group_read_full_") or name == "noisy_a_rss_growth"
    if name.startswith("noisy_") and ("_rss_peak" in name or name.endswith("_rps")):
        return name in ("noisy_b_idle_rps", "noisy_b_loaded_rps", "noisy_a_rss_peak")
    return True


def report(results, options):
    backends = list(results)
    table = {b: medians(results[b].runs) for b in backends}
    names = []
    for b in backends:
        for name in table[b]:
            if name not in names:
                names.append(name)
    width = max([len(n) for n in names] + [10])
    print(f"\n== kestra-scim benchmarks ({options.profile}, medians of {options.runs} run(s))")
    print(f"machine: {options.machine}")
    print(f"{'figure':<{width}}  {'unit':<6}" + "".join(f"{b:>12}" for b in backends))
    for name in names:
        if not in_table(name, [table[b].get(name, (0, ""))[0] for b in backends]):
            continue
        unit = next(table[b][name][1] for b in backends if name in table[b])
        cells = "".join(f"{fmt(table[b][name][0]) if name in table[b] else '-':>12}" for b in backends)
        print(f"{name:<{width}}  {unit:<6}{cells}")

    print(f"\n== targets")
    missed = []
    print(f"{'target':<{width}}  {'goal':<8}" + "".join(f"{b:>16}" for b in backends))
    for name in names:
        goal = target_of(name)
        if not goal:
            continue
        op, bound = goal
        cells = ""
        for b in backends:
            if name not in table[b]:
                cells += f"{'-':>16}"
                continue
            value = table[b][name][0]
            ok = meets(value, op, bound)
            if not ok:
                missed.append(f"{b}_{name}")
            cells += f"{fmt(value) + (' ok' if ok else ' MISSED'):>16}"
        print(f"{name:<{width}}  {op + ' ' + fmt(bound):<8}{cells}")

    print("\n== figures")
    for b in backends:
        for name, (value, unit) in table[b].items():
            print(f"{b}_{name} {value:.6g} {unit}")
    errors = [e for b in backends for e in results[b].errors]
    print(f"\n== {len(missed)} target(s) missed" + (": " + ", ".join(missed) if missed else ""))
    if errors:
        print(f"== {len(errors)} load(s) with errors:")
        for e in errors:
            print(f"   {e}")
    return errors


def main():
    # run.sh stops the driver with SIGTERM: unwind, so that servers stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", required=True)
    parser.add_argument("--backends", default="sqlite,postgres,mysql")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="full")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--only", default=",".join(PARTS),
                        help="the parts to run: issue6 (the capacity set), noisy (the noisy neighbour)")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--peer-script", default=os.path.join(os.path.dirname(ROOT), "shared", "peers",
                                                               "start-scimmy.sh"))
    parser.add_argument("--check", action="store_true", help="fail on malformed output or any load error")
    parser.add_argument("--keep", help="keep state (logs, SQLite files, schemas) in this directory")
    options = parser.parse_args()
    options.build = os.path.abspath(options.build)
    profile = PROFILES[options.profile]
    options.runs = options.runs or profile["runs"]
    options.machine = machine()
    options.only = {part.strip() for part in options.only.split(",") if part.strip()}
    if not options.only or not options.only <= set(PARTS):
        parser.error(f"--only takes some of {', '.join(PARTS)}")
    if options.no_peer or not os.path.exists(options.peer_script):
        if not options.no_peer:
            log(f"no SCIMMY peer script at {options.peer_script}: side-by-side figures skipped")
        options.peer_script = None
    backends = [b.strip() for b in options.backends.split(",") if b.strip()]
    for b in backends:
        if b not in ("sqlite", "postgres", "mysql"):
            parser.error(f"unknown backend {b}")

    state_root = options.keep or tempfile.mkdtemp(prefix="kestra-bench.")
    os.makedirs(state_root, exist_ok=True)
    results = {}
    status = 0
    try:
        for backend in backends:
            state = os.path.join(state_root, backend)
            os.makedirs(state, exist_ok=True)
            run = BackendRun(options, backend, profile, state)
            results[backend] = run
            run.execute()
    except (BenchError, subprocess.TimeoutExpired, OSError, KeyError) as e:
        log(f"FAILED: {e}")
        status = 1
    finally:
        if not options.keep:
            shutil.rmtree(state_root, ignore_errors=True)
        else:
            log(f"state kept in {state_root}")
    finished = {b: r for b, r in results.items() if r.runs}
    if finished:
        errors = report(finished, options)
        if errors:
            status = 1
    if options.check and status == 0:
        expected = []
        if "issue6" in options.only:
            expected += [f"create_c{profile['conc'][0]}_rps", f"create_raw_c{profile['conc'][0]}_rps",
                         f"lookup_c{profile['lookup_conc'][0]}_rps", f"transport_c{profile['lookup_conc'][0]}_rps",
                         "okta_sync_wall"] + [f"group_read_excluded_{size_label(s)}_p50" for s in profile["group_sizes"]]
        if "noisy" in options.only:
            expected += ["noisy_b_p50_loaded_vs_idle", "noisy_b_p99_loaded_vs_idle",
                         "noisy_patch_members_1mb_vs_post", "noisy_patch_emails_1mb_vs_post"]
        for b, r in finished.items():
            missing = [n for n in expected if n not in r.runs[0]]
            if missing:
                log(f"{b}: figures missing: {missing}")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
