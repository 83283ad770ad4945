// The seccomp filter bubblewrap loads (`--seccomp FD`) before it runs the command: a classic-BPF program
// over struct seccomp_data, built here byte by byte so no compiler or libseccomp is needed.
//
// Why a filter on top of the empty network namespace: the namespace already leaves nothing to reach,
// but a program that tries is then only an ordinary error. Killing it at socket(AF_INET…) turns the
// attempt into a visible `sandbox_violation` (SIGSYS), and it also closes io_uring (which can open
// sockets and files without the usual system calls and has a long history of kernel bugs) and kernel
// interfaces no benchmark program needs (bpf, perf_event_open, userfaultfd, keyrings, ptrace).
// Foreign-ABI system calls (i386, x32 on x86-64) are killed too: their numbers differ, so a filter on
// native numbers would not see them (socketcall!).
import { arch } from 'node:process';

const SECCOMP_RET_KILL_PROCESS = 0x80000000;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;
const AF_UNIX = 1;

const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;

/** Offsets in struct seccomp_data (little-endian: args[0]'s low 32 bits come first). */
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const OFFSET_ARG0_LOW = 16;

interface ArchTable {
  audit: number;
  /** Syscall numbers ≥ this are another ABI (x32); undefined when the arch has none. */
  foreignAbove?: number;
  socket: number;
  /** Denied with EPERM (or ENOSYS, so runtimes that probe for them fall back quietly). */
  eperm: number[];
  enosys: number[];
}

// Numbers from the kernel's syscall tables (arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h).
const ARCHES: Record<string, ArchTable> = {
  x64: {
    audit: 0xc000003e,
    foreignAbove: 0x40000000,
    socket: 41,
    // ptrace, add_key, request_key, keyctl, perf_event_open, bpf, userfaultfd
    eperm: [101, 248, 249, 250, 298, 321, 323],
    // io_uring_setup, io_uring_enter, io_uring_register (libuv probes io_uring and falls back on ENOSYS)
    enosys: [425, 426, 427],
  },
  arm64: {
    audit: 0xc00000b7,
    socket: 198,
    eperm: [117, 217, 218, 219, 241, 280, 282],
    enosys: [425, 426, 427],
  },
};

type Insn = { code: number; jt: number | string; jf: number | string; k: number } | { label: string };

/** The filter for the running architecture, or undefined where there is no table for it. */
export function seccompProgram(cpu: string = arch): Buffer | undefined {
  const t = ARCHES[cpu];
  if (!t) return undefined;
  const ld = (offset: number): Insn => ({ code: LD_W_ABS, jt: 0, jf: 0, k: offset });
  const ret = (k: number): Insn => ({ code: RET_K, jt: 0, jf: 0, k });
  const program: Insn[] = [ld(OFFSET_ARCH), { code: JEQ_K, jt: 0, jf: 'kill', k: t.audit }, ld(OFFSET_NR)];
  if (t.foreignAbove !== undefined) program.push({ code: JGE_K, jt: 'kill', jf: 0, k: t.foreignAbove });
  for (const nr of t.eperm) program.push({ code: JEQ_K, jt: 'eperm', jf: 0, k: nr });
  for (const nr of t.enosys) program.push({ code: JEQ_K, jt: 'enosys', jf: 0, k: nr });
  program.push(
    { code: JEQ_K, jt: 0, jf: 'allow', k: t.socket },
    // socket(domain, …): local (AF_UNIX) sockets stay usable (multiprocessing, libuv's pipes).
    ld(OFFSET_ARG0_LOW),
    { code: JEQ_K, jt: 'allow', jf: 'kill', k: AF_UNIX },
    { label: 'allow' },
    ret(SECCOMP_RET_ALLOW),
    { label: 'eperm' },
    ret(SECCOMP_RET_ERRNO | EPERM),
    { label: 'enosys' },
    ret(SECCOMP_RET_ERRNO | ENOSYS),
    { label: 'kill' },
    ret(SECCOMP_RET_KILL_PROCESS),
  );
  return assemble(program);
}

function assemble(program: Insn[]): Buffer {
  const labels = new Map<string, number>();
  const code: Array<Exclude<Insn, { label: string }>> = [];
  for (const insn of program) {
    if ('label' in insn) labels.set(insn.label, code.length);
    else code.push(insn);
  }
  const out = Buffer.alloc(code.length * 8);
  code.forEach((insn, i) => {
    // Jump offsets count instructions after the next one.
    const offset = (target: number | string): number => {
      if (typeof target === 'number') return target;
      const at = labels.get(target);
      if (at === undefined || at <= i || at - i - 1 > 255) throw new Error(`seccomp: bad jump to ${target} from ${i}`);
      return at - i - 1;
    };
    out.writeUInt16LE(insn.code, i * 8);
    out.writeUInt8(offset(insn.jt), i * 8 + 2);
    out.writeUInt8(offset(insn.jf), i * 8 + 3);
    out.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
  });
  return out;
}
