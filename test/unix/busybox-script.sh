# The busybox sh script test/unix/busybox.sh runs on the host's busybox
# and on Ernst's (the same binary): the outputs must be equal.  Nothing in
# it may depend on the machine (no pids, hostnames, times of day).
set -u
# A fresh directory: a fixed name would be shared by two runs at once.
d=$(mktemp -d /tmp/ernst-busybox-XXXXXX) && cd "$d" || exit 1

echo "== loops and arithmetic"
for i in 1 2 3; do echo "for $i"; done
i=0; n=0
while [ $i -lt 100 ]; do i=$((i + 1)); n=$((n + i * i)); done
echo "sum of squares to 100: $n"
echo "arith: $(( (7 + 5) * 3 / 4 % 5 )) $(( 1 << 10 )) $(( -17 / 5 )) $(( 0x1f ))"
case "abc" in a*) echo "case: a*" ;; *) echo "case: other" ;; esac

echo "== pipelines"
seq 1 1000 | sort -rn | head -3
seq 1 20 | grep 1 | wc -l
printf 'b\na\nc\na\n' | sort | uniq -c | sed 's/^ *//'
echo "hello world" | tr a-z A-Z | cut -d' ' -f2
yes | head -5 | wc -l

echo "== subshells"
(cd / && pwd)
pwd | sed "s|$d|SCRATCH|"
x=$(echo inner; echo second)
echo "$x" | tail -1
(exit 3); echo "subshell status $?"
y=$( (echo nested) )
echo "$y"

echo "== background jobs and wait"
(sleep 0.3; echo "slow job") &
(echo "fast job") > fast.out &
wait
cat fast.out
# Whether the shell reports a killed job ("Terminated") depends on
# timing: kept quiet.
sleep 5 &
kill $!
wait $! 2>/dev/null
echo "killed job status $?"
# ps lists a job by its pid, once it runs (what else runs differs
# between machines).
sleep 7 &
n=0
until ps | awk -v p=$! '$1 == p && $(NF - 1) == "sleep" && $NF == 7 { f = 1 } END { exit !f }' || [ $n = 100 ]; do
	n=$((n + 1))
done
echo "ps lists the job: $([ $n -lt 100 ] && echo yes || echo no)"
kill $!
wait $! 2>/dev/null

echo "== redirections"
echo one > f
echo two >> f
cat < f
wc -l < f
ls nosuchfile 2> err.out; echo "ls status $?"
grep -c "nosuchfile" err.out
{ echo to-stdout; echo to-stderr >&2; } > both.out 2>&1
sort both.out
exec 3> fd3.out
echo "via fd 3" >&3
exec 3>&-
cat fd3.out

echo "== here-documents"
cat <<END
line one
value $((2 + 2))
END
cat <<'END'
literal $HOME
END
tr a-z A-Z <<END
shout
END

echo "== applets"
mkdir -p sub/deeper
echo content > sub/file
cp sub/file copy
mv copy moved
ln -s moved link
ln moved hard
ls -1
ls -1 sub
cat link
[ -L link ] && echo "link is a symlink"
stat -c '%h' moved
rm -r sub
ls -1
expr 6 \* 7
expr length "abcdef"
echo "a,b,c" | cut -d, -f2,3
echo "x=1 y=2" | sed 's/[0-9]/N/g'
printf '%s-%d\n' word 42
printf '%s\n' status; echo "printf's status $?"
seq 5 | tail -2
date -u -d @86400 +%Y-%m-%d
uname -s
env -i A=1 B=2 env | sort
true; echo "true $?"; false; echo "false $?"
test -d . && echo "test -d ok"
basename /a/b/c.txt .txt
dirname /a/b/c.txt
echo "x y z" | { read a b c; echo "read: $c $b $a"; }

echo "== ulimit and nice"
# Only limits lowered here (a container's root may not raise them), and
# nice values set first (the host may run us niced).
# Through a pipe: the host's output is a file, which ulimit -f would cut.
(
	ulimit -Sn 30; ulimit -Sn; ulimit -Hn 40; ulimit -Hn; ulimit -n
	sh -c 'ulimit -n; exec sh -c "ulimit -Hn"'
	ulimit -f 10; ulimit -f; ulimit -c 0
	ulimit -a | grep -e '(-[cfn])'
	echo x > "$d/big" && echo "a small file: written"
	ulimit -f 0
	sh -c "trap '' XFSZ; echo more >> $d/big" 2> /dev/null || echo "past ulimit -f: refused"
	wc -c < "$d/big"
) | cat
(ulimit -Sn 3; ls / > /dev/null 2>&1 || echo "ls with 3 files: refused $?") 2> /dev/null
# busybox has renice but no nice applet; /proc/PID/stat shows priority and nice.
# Lowering it is a privilege a host's root may lack: the line is marked
# with Linux's answer for one that has it (lib.sh's host_lacks).
sh -c 'renice 3 -p $$ > /dev/null; cut -d" " -f18,19 /proc/$$/stat
	renice -n 2 -p $$ > /dev/null; cut -d" " -f18,19 /proc/$$/stat
	renice -5 -p $$ > /dev/null 2>&1; echo "renice -5: $(cut -d" " -f18,19 /proc/self/stat) [root lowers nice: 15 -5]"
	renice -n 40 -p $$ > /dev/null; cut -d" " -f18,19 /proc/self/stat
	renice 1 -p 2147483647 2>&1 | cut -d: -f2-'
cd /
rm -rf "$d"
echo "== done"
