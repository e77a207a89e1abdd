# Run by busybox sh as root on Ernst (test/unix/perms.sh): users from
# /etc/passwd, su to user 1000 and back, what mode bits let user do.
id
su user -c id
su user -c 'echo $HOME $USER $SHELL'
echo secret > /tmp/s
chmod 600 /tmp/s
ls -l /tmp/s | cut -c1-10
su user -c 'cat /tmp/s'
echo "status $?"
chmod 644 /tmp/s
ls -l /tmp/s | cut -c1-10
su user -c 'cat /tmp/s'
su user -c 'echo more >> /tmp/s'
echo "status $?"
su user -c 'rm -f /tmp/s'
echo "status $?"
su user -c 'touch /home/user/mine && ls -ln /home/user/mine' | awk '{print $1, $3, $4}'
su user -c 'touch /root/x'
echo "status $?"
su user -c 'ls /root'
echo "status $?"
su user -c 'kill -0 1'
echo "status $?"
# busybox is set-user-ID root: su from user asks the password (on
# standard input, here a pipe).
su user -c 'echo root | su -c id root'
echo "status $?"
su user -c 'echo wrong | su -c id root'
echo "status $?"
su user -c 'echo user | su user -c "id; cat /etc/shadow"'
echo "status $?"
su user -c 'id; cat /etc/shadow'
echo "status $?"
ls -ld /tmp | cut -c1-10
ls -l /etc/shadow | cut -c1-10
su user -c 'cat /etc/shadow'
echo "status $?"
rm /tmp/s /home/user/mine
echo done
