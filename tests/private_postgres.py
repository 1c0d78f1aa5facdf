"""A private PostgreSQL cluster on a free port, for tests that stop, start or freeze the database
(the shared server on 5432 is never touched). Built with the server binaries' ``initdb``/``pg_ctl``;
as root they run as the ``postgres`` account, which owns the cluster's temporary directory."""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import psycopg

from contracts.live import free_port

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def available():
    """``None`` when a private cluster can be made here, else the reason it cannot."""
    if not (BIN / "initdb").exists() or not (BIN / "pg_ctl").exists():
        return f"needs the PostgreSQL server binaries ({BIN}/initdb and pg_ctl; set PG_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root needs a 'postgres' account to own the private cluster"
    return None


class PrivatePostgres:
    def __init__(self):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="private-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self._run(BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def _run(self, *cmd):
        cmd = [str(part) for part in cmd]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def url(self, database="postgres"):
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60", "start")

    def stop(self):
        """A fast shutdown: sessions are terminated, the port is closed."""
        self._run(BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop")

    def postmaster_pid(self):
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def freeze(self):
        """SIGSTOP the postmaster: it accepts no new sessions (a connect hangs); existing ones live on."""
        os.kill(self.postmaster_pid(), signal.SIGSTOP)

    def thaw(self):
        os.kill(self.postmaster_pid(), signal.SIGCONT)

    def execute(self, sql, database="postgres"):
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname={database}",
                             autocommit=True, connect_timeout=5) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else None

    def destroy(self):
        try:
            if (self.data / "postmaster.pid").exists():
                try:
                    self.thaw()
                except (OSError, ValueError):
                    pass
                self._run(BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "-t", "30", "stop")
        except subprocess.SubprocessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)
