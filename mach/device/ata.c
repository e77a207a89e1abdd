/*
 * ATA (IDE) disks by programmed I/O, with MBR partitions.
 *
 * The four legacy positions are probed (primary master/slave, secondary
 * master/slave = hd0..hd3); each ATA disk found becomes device hdN, and
 * each non-empty primary partition of its MBR hdNsM (M = 1..4, the
 * partition's slot).  Records are 512-byte sectors; ds_routines.c has
 * checked that a request is whole sectors inside the device, and a
 * partition adds its start.  LBA28 commands up to 2^28 sectors, LBA48
 * beyond.  Writes are followed by a cache flush.
 *
 * Waiting: the boot-time probe reads the status register (interrupts are
 * off on the drives, nIEN, and no thread may sleep yet).  Then each
 * channel's interrupt (IRQ 14, 15) is turned on, and a request sleeps
 * until the drive raises it (a sector ready, written, or the command
 * done): the CPU is free meanwhile, for other threads or the idle hlt,
 * while the emulator's I/O thread or the disk does the work.  The rare
 * check that needs no interrupt (busy before a command, the first
 * sector of a write) sleeps a tick between reads of the status.  One
 * request at a time per channel (its drives share the registers).
 */
#include "config.h"
#include <i386/cpu.h>
#include <i386/trap.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/kalloc.h>
#include <device/device.h>

#define ATA_SECTOR 512

#define ATA_DATA 0
#define ATA_ERROR 1
#define ATA_COUNT 2
#define ATA_LBA0 3
#define ATA_LBA1 4
#define ATA_LBA2 5
#define ATA_DRIVE 6
#define ATA_STATUS 7
#define ATA_COMMAND 7
#define ATA_CTL_NIEN 0x02

#define ST_ERR 0x01
#define ST_DRQ 0x08
#define ST_DF 0x20
#define ST_BSY 0x80

#define CMD_READ 0x20
#define CMD_READ_EXT 0x24
#define CMD_WRITE 0x30
#define CMD_WRITE_EXT 0x34
#define CMD_FLUSH 0xe7
#define CMD_FLUSH_EXT 0xea
#define CMD_IDENTIFY 0xec

#define ATA_POLL_LIMIT 10000000 /* status reads before a drive is given up (the probe) */
#define ATA_TIMEOUT_TICKS (30 * HZ) /* how long a drive may take to interrupt */
#define ATA_READY_TICKS (30 * HZ)   /* ticks' sleeps before a busy drive is given up */
#define LBA28_LIMIT (1u << 28)

#define MBR_SIGNATURE_OFF 510
#define MBR_TABLE_OFF 446
#define MBR_ENTRIES 4

/* One IDE channel: its two drives share the registers and the interrupt. */
struct ata_chan {
	uint16_t base, ctl;
	unsigned irq;
	int use_irq;		      /* the interrupt is on: requests sleep for it */
	volatile int irq_seen;	      /* the drive interrupted since it was cleared */
	volatile uint8_t irq_status;  /* the status the handler read (acknowledging it) */
	int busy;		      /* a request owns the channel */
	unsigned long lost;	      /* interrupts that never came (time-outs) */
};

struct ata_disk {
	struct ata_chan *chan;
	uint16_t base, ctl;
	uint8_t slave;
	uint8_t lba48;
	uint64_t sectors;
};

struct ata_part {
	struct ata_disk *disk;
	uint64_t start; /* first sector on the disk */
};

static struct ata_chan ata_chans[2];
static int ata_tick; /* an event nobody wakes: sleeping a tick */
static struct ata_disk ata_disks[4];
static struct ata_part ata_parts[4 * (1 + MBR_ENTRIES)];
static struct device ata_devs[4 * (1 + MBR_ENTRIES)];
static unsigned ata_ndevs;

/* What the status says: -1 failed, 0 done (and DRQ if wanted), 1 not yet. */
static int ata_status_done(uint8_t st, int want_drq)
{
	if (st & ST_BSY)
		return 1;
	if (st & (ST_ERR | ST_DF))
		return -1;
	return !want_drq || (st & ST_DRQ) ? 0 : 1;
}

/*
 * Wait until the drive is not busy (and has data requested, with
 * want_drq) without an interrupt to wait for: before a command, and for
 * the first sector of a write.  At boot by reading the status; once
 * interrupts are on, a tick's sleep between reads (the drive is nearly
 * always ready at the first).
 */
static int ata_ready(struct ata_disk *d, int want_drq)
{
	if (!d->chan->use_irq) {
		for (long i = 0; i < ATA_POLL_LIMIT; i++) {
			int r = ata_status_done(inb(d->base + ATA_STATUS), want_drq);
			if (r <= 0)
				return r;
		}
		return -1;
	}
	for (long t = 0; t < ATA_READY_TICKS; t++) {
		int r = ata_status_done(inb(d->base + ATA_STATUS), want_drq);
		if (r <= 0)
			return r;
		thread_sleep(&ata_tick, 0, 1); /* a tick: nobody wakes this */
	}
	return -1;
}

/* The next interrupt will be the command's (before it is issued). */
static void ata_intr_expect(struct ata_chan *c)
{
	int s = cpu_intr_save();
	c->irq_seen = 0;
	cpu_intr_restore(s);
}

/*
 * Wait for the drive to finish a step of the command (a sector ready to
 * read, one written, the command done): sleep until its interrupt, then
 * judge the status the handler read.  At boot, ata_ready.  A drive that
 * never interrupts is judged by its status after ATA_TIMEOUT_TICKS.
 */
static int ata_step(struct ata_disk *d, int want_drq)
{
	struct ata_chan *c = d->chan;
	int s, r;
	uint8_t st;

	if (!c->use_irq) {
		inb(d->ctl); /* 400 ns before the status is valid */
		return ata_ready(d, want_drq);
	}
	s = cpu_intr_save();
	while (!c->irq_seen) {
		if (thread_sleep(c, 0, ATA_TIMEOUT_TICKS) == THREAD_TIMED_OUT && !c->irq_seen) {
			c->lost++;
			cpu_intr_restore(s);
			r = ata_status_done(inb(d->base + ATA_STATUS), want_drq);
			return r == 0 ? 0 : -1;
		}
		cpu_intr_disable();
	}
	c->irq_seen = 0;
	st = c->irq_status;
	cpu_intr_restore(s);
	r = ata_status_done(st, want_drq);
	if (r == 1) /* interrupted, yet still busy: trust the register now */
		r = ata_status_done(inb(d->base + ATA_STATUS), want_drq) == 0 ? 0 : -1;
	return r;
}

/* The channel's interrupt: reading the status acknowledges it. */
static void ata_intr(unsigned irq)
{
	struct ata_chan *c = &ata_chans[irq == ata_chans[0].irq ? 0 : 1];

	c->irq_status = inb(c->base + ATA_STATUS);
	c->irq_seen = 1;
	thread_wakeup(c); /* the request sleeping on its channel */
}

/* One request at a time on a channel. */
static void ata_lock(struct ata_chan *c)
{
	int s = cpu_intr_save();

	while (c->busy) {
		thread_sleep(&c->busy, 0, 0);
		cpu_intr_disable();
	}
	c->busy = 1;
	cpu_intr_restore(s);
}

static void ata_unlock(struct ata_chan *c)
{
	int s = cpu_intr_save();

	c->busy = 0;
	thread_wakeup(&c->busy);
	cpu_intr_restore(s);
}

/* Issue a command on n sectors at lba (n <= 256, or 65536 with LBA48). */
static int ata_command(struct ata_disk *d, uint8_t cmd28, uint8_t cmd48, uint64_t lba, unsigned n)
{
	if (ata_ready(d, 0) != 0)
		return -1;
	ata_intr_expect(d->chan);
	if (d->lba48 && (lba + n > LBA28_LIMIT)) {
		outb(d->base + ATA_DRIVE, 0x40 | (d->slave << 4));
		outb(d->base + ATA_COUNT, (n >> 8) & 0xff);
		outb(d->base + ATA_LBA0, (lba >> 24) & 0xff);
		outb(d->base + ATA_LBA1, (lba >> 32) & 0xff);
		outb(d->base + ATA_LBA2, (lba >> 40) & 0xff);
		outb(d->base + ATA_COUNT, n & 0xff);
		outb(d->base + ATA_LBA0, lba & 0xff);
		outb(d->base + ATA_LBA1, (lba >> 8) & 0xff);
		outb(d->base + ATA_LBA2, (lba >> 16) & 0xff);
		outb(d->base + ATA_COMMAND, cmd48);
	} else {
		outb(d->base + ATA_DRIVE, 0xe0 | (d->slave << 4) | ((lba >> 24) & 0x0f));
		outb(d->base + ATA_COUNT, n & 0xff); /* 0 means 256 */
		outb(d->base + ATA_LBA0, lba & 0xff);
		outb(d->base + ATA_LBA1, (lba >> 8) & 0xff);
		outb(d->base + ATA_LBA2, (lba >> 16) & 0xff);
		outb(d->base + ATA_COMMAND, cmd28);
	}
	return 0;
}

/*
 * PIO: a read interrupts when each sector is ready; a write wants its
 * first sector at once, interrupts when each is taken, and once more
 * when the command is done; the cache flush interrupts when done.
 */
static int ata_transfer(struct ata_disk *d, uint64_t lba, unsigned count, void *buf, int write)
{
	uint16_t *p = buf;

	while (count > 0) {
		unsigned n = count > 256 ? 256 : count;
		if (ata_command(d, write ? CMD_WRITE : CMD_READ, write ? CMD_WRITE_EXT : CMD_READ_EXT, lba, n) != 0)
			return -1;
		for (unsigned s = 0; s < n; s++) {
			if ((write && s == 0 ? ata_ready(d, 1) : ata_step(d, 1)) != 0)
				return -1;
			for (unsigned w = 0; w < ATA_SECTOR / 2; w++, p++) {
				if (write)
					outw(d->base + ATA_DATA, *p);
				else
					*p = inw(d->base + ATA_DATA);
			}
		}
		if (write) {
			if (ata_step(d, 0) != 0)
				return -1;
			ata_intr_expect(d->chan);
			outb(d->base + ATA_COMMAND, d->lba48 ? CMD_FLUSH_EXT : CMD_FLUSH);
			if (ata_step(d, 0) != 0)
				return -1;
		}
		lba += n;
		count -= n;
	}
	return 0;
}

static int ata_rw(struct ata_disk *d, uint64_t lba, unsigned count, void *buf, int write)
{
	ata_lock(d->chan);
	int r = ata_transfer(d, lba, count, buf, write);
	ata_unlock(d->chan);
	return r;
}

static io_return_t ata_read(struct device *dev, dev_mode_t mode, recnum_t recnum, void *buf, size_t len,
			    size_t *done)
{
	struct ata_part *p = dev->softc;

	(void)mode;
	if (ata_rw(p->disk, p->start + recnum, len / ATA_SECTOR, buf, 0) != 0)
		return D_IO_ERROR;
	*done = len;
	return D_SUCCESS;
}

static io_return_t ata_write(struct device *dev, dev_mode_t mode, recnum_t recnum, const void *buf, size_t len,
			     size_t *done)
{
	struct ata_part *p = dev->softc;

	(void)mode;
	if (ata_rw(p->disk, p->start + recnum, len / ATA_SECTOR, (void *)buf, 1) != 0)
		return D_IO_ERROR;
	*done = len;
	return D_SUCCESS;
}

static const struct dev_ops ata_ops = {
	.read = ata_read,
	.write = ata_write,
};

static struct device *ata_add(const char *name, struct ata_disk *d, uint64_t start, uint64_t sectors)
{
	struct device *dev = &ata_devs[ata_ndevs];
	struct ata_part *p = &ata_parts[ata_ndevs];

	p->disk = d;
	p->start = start;
	strlcpy(dev->name, name, sizeof(dev->name));
	dev->ops = &ata_ops;
	dev->softc = p;
	dev->record_size = ATA_SECTOR;
	dev->records = sectors;
	if (device_register(dev) != 0)
		return NULL;
	ata_ndevs++;
	return dev;
}

/* IDENTIFY the drive; 0 and the geometry in *d if an ATA disk is there. */
static int ata_identify(struct ata_disk *d, uint16_t *id)
{
	outb(d->ctl, ATA_CTL_NIEN);
	outb(d->base + ATA_DRIVE, 0xa0 | (d->slave << 4));
	for (int i = 0; i < 15; i++)
		inb(d->ctl);
	uint8_t st = inb(d->base + ATA_STATUS);
	if (st == 0xff || st == 0) /* floating bus or no drive */
		return -1;
	outb(d->base + ATA_COUNT, 0);
	outb(d->base + ATA_LBA0, 0);
	outb(d->base + ATA_LBA1, 0);
	outb(d->base + ATA_LBA2, 0);
	outb(d->base + ATA_COMMAND, CMD_IDENTIFY);
	if (inb(d->base + ATA_STATUS) == 0)
		return -1;
	for (long i = 0; i < ATA_POLL_LIMIT; i++) {
		st = inb(d->base + ATA_STATUS);
		if (!(st & ST_BSY))
			break;
	}
	if (inb(d->base + ATA_LBA1) != 0 || inb(d->base + ATA_LBA2) != 0)
		return -1; /* ATAPI or SATA signature: not a disk we drive */
	if (ata_ready(d, 1) != 0)
		return -1;
	for (int i = 0; i < 256; i++)
		id[i] = inw(d->base + ATA_DATA);
	d->lba48 = (id[83] & (1 << 10)) != 0;
	if (d->lba48)
		d->sectors = (uint64_t)id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32 |
			     (uint64_t)id[103] << 48;
	else
		d->sectors = (uint32_t)id[60] | (uint32_t)id[61] << 16;
	return d->sectors == 0 ? -1 : 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void ata_partitions(unsigned unit, struct ata_disk *d)
{
	uint8_t *mbr = kalloc(ATA_SECTOR);

	if (mbr == NULL)
		return;
	if (ata_rw(d, 0, 1, mbr, 0) != 0 || mbr[MBR_SIGNATURE_OFF] != 0x55 || mbr[MBR_SIGNATURE_OFF + 1] != 0xaa)
		goto out;
	for (unsigned i = 0; i < MBR_ENTRIES; i++) {
		const uint8_t *e = mbr + MBR_TABLE_OFF + 16 * i;
		uint8_t type = e[4];
		uint32_t start = le32(e + 8), count = le32(e + 12);
		char name[16];
		if (type == 0 || count == 0)
			continue;
		snprintf(name, sizeof(name), "hd%us%u", unit, i + 1);
		if (start == 0 || (uint64_t)start + count > d->sectors) {
			printf("  %s: partition %u..%u lies outside the disk: ignored\n", name, start,
			       start + count);
			continue;
		}
		if (ata_add(name, d, start, count) != NULL)
			printf("  %s: type 0x%02x, sectors %u..%u\n", name, type, start, start + count - 1);
	}
out:
	kfree(mbr, ATA_SECTOR);
}

void ata_device_init(void)
{
	static const uint16_t bases[2] = {0x1f0, 0x170}, ctls[2] = {0x3f6, 0x376};
	static const unsigned irqs[2] = {14, 15};
	int present[2] = {0, 0};
	uint16_t *id = kalloc(ATA_SECTOR);

	if (id == NULL)
		return;
	for (unsigned ch = 0; ch < 2; ch++) {
		ata_chans[ch].base = bases[ch];
		ata_chans[ch].ctl = ctls[ch];
		ata_chans[ch].irq = irqs[ch];
	}
	for (unsigned unit = 0; unit < 4; unit++) {
		struct ata_disk *d = &ata_disks[unit];
		d->chan = &ata_chans[unit / 2];
		d->base = d->chan->base;
		d->ctl = d->chan->ctl;
		d->slave = unit % 2;
		if (ata_identify(d, id) != 0)
			continue;
		char name[8];
		snprintf(name, sizeof(name), "hd%u", unit);
		if (ata_add(name, d, 0, d->sectors) == NULL)
			continue;
		present[unit / 2] = 1;
		printf("  %s: ATA disk, %llu sectors (%llu MiB)%s\n", name, (unsigned long long)d->sectors,
		       (unsigned long long)(d->sectors / 2048), d->lba48 ? ", LBA48" : "");
		ata_partitions(unit, d);
	}
	kfree(id, ATA_SECTOR);
	/* From now on requests sleep for the drive's interrupt. */
	for (unsigned ch = 0; ch < 2; ch++) {
		struct ata_chan *c = &ata_chans[ch];
		if (!present[ch])
			continue;
		irq_register(c->irq, ata_intr);
		inb(c->base + ATA_STATUS); /* nothing pending from the probe */
		outb(c->ctl, 0);	   /* nIEN off: the drives interrupt */
		c->use_irq = 1;
	}
}
