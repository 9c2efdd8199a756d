#!/usr/bin/env python3
"""Packs a Debian root filesystem into a single-layer image tarball in `docker save` format,
usable as a Jib base (`-Djib.from=tar:///abs/path/base.tar`).

usage: make-base.py ROOTFS OUT.tar
       make-base.py --installed PKG[,PKG...] OUT.tar

The first form packs a directory (e.g. made by debootstrap). The second packs the installed Debian
packages PKG of this machine and the packages they depend on, as dpkg knows them, without any download:
their files (documentation left out), the links update-alternatives made to them, the files their
links point to (the JRE's cacerts), the merged-/usr links of / and a passwd/group naming UID 10001.
With --cache DIR, the tarball is kept in DIR under a name made of the packages' versions and of this
script, and reused while both are unchanged.
"""
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile

SKIPPED = ("/usr/share/doc/", "/usr/share/man/", "/usr/share/info/", "/usr/share/locale/",
           "/usr/share/lintian/", "/usr/share/bug/", "/usr/share/doc-base/")
PASSWD = "root:x:0:0:root:/root:/usr/sbin/nologin\nrtcio:x:10001:10001::/nonexistent:/usr/sbin/nologin\n"
GROUP = "root:x:0:\nrtcio:x:10001:\n"


def write_image(layer, out):
    """Wraps one layer tarball into a `docker save` tarball at out."""
    digest = hashlib.sha256()
    with open(layer, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"],
        },
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + digest.hexdigest()]},
    }
    config_bytes = json.dumps(config).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": ["local/debian-jre17:base"], "Layers": ["layer.tar"]}]
    # Written beside out and renamed: a build running at the same time never reads half a tarball.
    fd, partial = tempfile.mkstemp(prefix=os.path.basename(out) + ".", dir=os.path.dirname(os.path.abspath(out)))
    os.close(fd)
    os.chmod(partial, 0o644)
    with tarfile.open(partial, "w") as t:
        for name, data in ((config_name, config_bytes), ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        t.add(layer, arcname="layer.tar")
    os.replace(partial, out)


def pack_directory(rootfs, layer):
    with tarfile.open(layer, "w", format=tarfile.PAX_FORMAT) as t:
        for name in sorted(os.listdir(rootfs)):
            if name in ("proc", "sys", "dev"):
                info = tarfile.TarInfo(name)
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                t.addfile(info)
                continue
            t.add(os.path.join(rootfs, name), arcname=name)


def installed_packages():
    """name -> (version, architecture, [[alternative, ...], ...]) of every installed package."""
    fields = "${Package}\t${Version}\t${Architecture}\t${db:Status-Status}\t${Provides}\t${Pre-Depends}\t${Depends}\n"
    out = subprocess.run(["dpkg-query", "-W", "-f=" + fields], check=True, capture_output=True, text=True).stdout
    packages, provided = {}, {}
    for line in out.splitlines():
        name, version, arch, status, provides, pre_depends, depends = line.split("\t")
        if status != "installed":
            continue
        deps = [[alt.strip().split(" ")[0].split(":")[0] for alt in dep.split("|")]
                for dep in (pre_depends + "," + depends).split(",") if dep.strip()]
        packages[name] = (version, arch, deps)
        for p in provides.split(","):
            if p.strip():
                provided.setdefault(p.strip().split(" ")[0], name)
    return packages, provided


def closure(wanted):
    packages, provided = installed_packages()
    todo, seen = list(wanted), {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            sys.exit(f"make-base.py: the Debian package {name} is not installed (apt-get install {name}; "
                     "in the Maven build, -Dimage.smoke.skip leaves the smoke image out)")
        seen[name] = packages[name]
        for alternatives in packages[name][2]:
            for alt in alternatives:
                if alt in packages or alt in provided:
                    todo.append(alt if alt in packages else provided[alt])
                    break
    return seen


def host_path(path):
    """The path as it is on this machine: /bin/sh is /usr/bin/sh when / has merged-/usr links."""
    parent, name = os.path.split(path)
    return os.path.join(os.path.realpath(parent), name)


def package_files(packages):
    files = set()
    for name, (_, arch, _) in packages.items():
        listed = subprocess.run(["dpkg-query", "-L", f"{name}:{arch}"], check=True, capture_output=True,
                                text=True).stdout
        for path in listed.splitlines():
            if path.startswith("/") and path not in ("/", "/.") and not path.startswith(SKIPPED):
                path = host_path(path)
                if os.path.lexists(path) and not os.path.isdir(path):
                    files.add(path)
    # Links made by update-alternatives (/usr/bin/java -> /etc/alternatives/java -> the JRE).
    alternatives = "/var/lib/dpkg/alternatives"
    for group in sorted(os.listdir(alternatives)) if os.path.isdir(alternatives) else []:
        with open(os.path.join(alternatives, group)) as f:
            lines = f.read().split("\n")
        links = {group: lines[1]}
        i = 2
        while i + 1 < len(lines) and lines[i]:
            links[lines[i]] = lines[i + 1]
            i += 2
        for name, link in links.items():
            chosen = os.path.join("/etc/alternatives", name)
            if os.path.islink(chosen) and host_path(os.readlink(chosen)) in files and os.path.islink(link):
                files.update((chosen, host_path(link)))
    # Files that packaged links point to but that maintainer scripts generate (the JRE's cacerts).
    for path in list(files):
        if os.path.islink(path):
            target = os.path.realpath(path)
            if os.path.isfile(target) and target not in files:
                files.add(target)
    return files


def pack_installed(packages, layer):
    files = package_files(packages)
    dirs = {"/tmp", "/proc", "/sys", "/dev", "/etc", "/root"}
    for path in files:
        parent = os.path.dirname(path)
        while parent != "/":
            dirs.add(parent)
            parent = os.path.dirname(parent)
    merged = [n for n in sorted(os.listdir("/")) if os.path.islink("/" + n) and n in ("bin", "sbin", "lib", "lib32", "lib64", "libx32")]

    def owned_by_root(info):
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    with tarfile.open(layer, "w", format=tarfile.PAX_FORMAT) as t:
        for d in sorted(dirs):
            info = tarfile.TarInfo(d.lstrip("/"))
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if d == "/tmp" else 0o700 if d == "/root" else \
                stat.S_IMODE(os.stat(d).st_mode) if os.path.isdir(d) else 0o755
            t.addfile(info)
        for n in merged:
            info = tarfile.TarInfo(n)
            info.type = tarfile.SYMTYPE
            info.linkname = os.readlink("/" + n)
            t.addfile(info)
        for path in sorted(files):
            if path in ("/etc/passwd", "/etc/group"):
                continue
            t.add(path, arcname=path.lstrip("/"), recursive=False, filter=owned_by_root)
        for name, text in (("etc/passwd", PASSWD), ("etc/group", GROUP)):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            t.addfile(info, io.BytesIO(data))


def main(args):
    cache = None
    if len(args) >= 2 and args[0] == "--cache":
        cache, args = args[1], args[2:]
    if len(args) == 3 and args[0] == "--installed":
        packages = closure([p for p in args[1].split(",") if p])
        out = args[2]
        if cache:
            key = hashlib.sha256()
            with open(__file__, "rb") as f:
                key.update(f.read())
            for name in sorted(packages):
                key.update(f"{name} {packages[name][0]} {packages[name][1]}\n".encode())
            cached = os.path.join(cache, f"base-{key.hexdigest()[:16]}.tar")
            if os.path.isfile(cached):
                print(f"base image: {cached} (cached, {len(packages)} packages)")
            else:
                os.makedirs(cache, exist_ok=True)
                build_installed(packages, cached)
                # Older bases (other package versions) are not used again.
                for name in os.listdir(cache):
                    if name.startswith("base-") and name.endswith(".tar") and name != os.path.basename(cached):
                        os.remove(os.path.join(cache, name))
                print(f"base image: {cached} (made, {len(packages)} packages)")
            if os.path.abspath(out) != cached:
                os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
                if os.path.lexists(out):
                    os.remove(out)
                try:
                    os.link(cached, out)
                except OSError:
                    shutil.copyfile(cached, out)
        else:
            build_installed(packages, out)
        return
    if len(args) != 2 or cache:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        layer = os.path.join(tmp, "layer.tar")
        pack_directory(args[0], layer)
        write_image(layer, args[1])


def build_installed(packages, out):
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(out))) as tmp:
        layer = os.path.join(tmp, "layer.tar")
        pack_installed(packages, layer)
        write_image(layer, out)


if __name__ == "__main__":
    main(sys.argv[1:])
