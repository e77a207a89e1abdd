/*
 * "eth0": an Intel 82540EM (e1000) as QEMU's -device e1000 emulates it,
 * found by PCI configuration space.  Registers are memory-mapped (BAR0,
 * mapped uncached with pmap_map_mmio); frames go through the legacy
 * receive and transmit descriptor rings, in physically contiguous pages
 * from vm_page_alloc.
 *
 *   device_write       transmits one Ethernet frame (destination,
 *                      source, type, data: 14..1514 bytes, no CRC)
 *   device_get_status  NET_STATUS, NET_ADDRESS (the MAC)
 *   device_set_filter  NETF filters; frames they accept arrive as
 *                      net_rcv_msg messages (net_io.c)
 *
 * Receiving: the interrupt handler only acknowledges the card and wakes
 * the receive thread, a kernel thread that takes the frames out of the
 * ring and runs the filters: making and sending messages needs thread
 * context.  The thread also wakes on its own every few ticks, so a lost
 * interrupt delays frames but never loses them.
 *
 * Transmitting happens in the thread of the device_write caller; the
 * ring is only touched from thread context, and kernel code is not
 * preempted, so it needs no lock.
 */
#include <i386/cpu.h>
#include <i386/pmap.h>
#include <i386/trap.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <vm/vm_page.h>
#include <device/device.h>
#include <device/net_status.h>
#include <device/net_filter.h>
#include <device/pci.h>

#define E1000_VENDOR 0x8086
#define E1000_82540EM 0x100e
#define E1000_MMIO_SIZE 0x20000

/* Registers (byte offsets in BAR0). */
#define E1000_CTRL 0x0000
#define E1000_STATUS 0x0008
#define E1000_EERD 0x0014
#define E1000_ICR 0x00c0
#define E1000_IMS 0x00d0
#define E1000_IMC 0x00d8
#define E1000_RCTL 0x0100
#define E1000_TCTL 0x0400
#define E1000_TIPG 0x0410
#define E1000_RDBAL 0x2800
#define E1000_RDBAH 0x2804
#define E1000_RDLEN 0x2808
#define E1000_RDH 0x2810
#define E1000_RDT 0x2818
#define E1000_TDBAL 0x3800
#define E1000_TDBAH 0x3804
#define E1000_TDLEN 0x3808
#define E1000_TDH 0x3810
#define E1000_TDT 0x3818
#define E1000_MTA 0x5200 /* 128 words */
#define E1000_RAL0 0x5400
#define E1000_RAH0 0x5404

#define CTRL_ASDE 0x00000020
#define CTRL_SLU 0x00000040
#define CTRL_RST 0x04000000
#define STATUS_LU 0x00000002
#define EERD_START 0x00000001
#define EERD_DONE 0x00000010
#define RAH_AV 0x80000000u
#define RCTL_EN 0x00000002
#define RCTL_BAM 0x00008000
#define RCTL_BSIZE_2048 0x00000000
#define RCTL_SECRC 0x04000000
#define TCTL_EN 0x00000002
#define TCTL_PSP 0x00000008
#define TCTL_CT (0x10u << 4)
#define TCTL_COLD (0x40u << 12)
#define TIPG_DEFAULT 0x0060200a
#define ICR_TXDW 0x01
#define ICR_LSC 0x04
#define ICR_RXDMT0 0x10
#define ICR_RXO 0x40
#define ICR_RXT0 0x80

struct e1000_rx_desc {
	uint64_t addr;
	uint16_t length;
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
};
struct e1000_tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
};
#define RXD_DD 0x01
#define RXD_EOP 0x02
#define TXD_CMD_EOP 0x01
#define TXD_CMD_IFCS 0x02
#define TXD_CMD_RS 0x08
#define TXD_DD 0x01

/* Ring sizes: the descriptor rings share one page; buffers are 2 KiB. */
#define RX_COUNT 32
#define TX_COUNT 16
#define BUF_SIZE 2048
#define RX_BUF_ORDER 4 /* 16 pages = RX_COUNT buffers */
#define TX_BUF_ORDER 3 /* 8 pages = TX_COUNT buffers */
#define RX_POLL_TICKS 5	/* the receive thread's wake-up without interrupt */
#define TX_WAIT_SPINS 100000

static struct e1000 {
	struct pci_dev pci;
	volatile uint8_t *regs;
	unsigned irq;
	uint8_t mac[ETHER_ADDR_LEN];
	struct e1000_rx_desc *rx;
	struct e1000_tx_desc *tx;
	phys_addr_t rx_buf_pa, tx_buf_pa;
	uint8_t *rx_buf, *tx_buf;
	unsigned rx_next; /* the next descriptor the card fills */
	unsigned tx_next; /* the next descriptor to give the card */
	unsigned long rx_frames, rx_errors, tx_frames, interrupts;
	struct net_if nif;
	uint8_t frame[BUF_SIZE]; /* the receive thread's copy of a frame */
} e1000;

static uint32_t e1000_read(unsigned reg)
{
	return *(volatile uint32_t *)(e1000.regs + reg);
}

static void e1000_write(unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(e1000.regs + reg) = v;
}

static void e1000_intr(unsigned irq)
{
	(void)irq;
	/* Reading ICR acknowledges (and lowers) the interrupt. */
	if (e1000_read(E1000_ICR) != 0) {
		e1000.interrupts++;
		thread_wakeup(&e1000.rx_next);
	}
}

/* The card writes descriptor status behind the compiler's back. */
static uint8_t desc_status(volatile uint8_t *status)
{
	return *status;
}

static int rx_ready(void)
{
	return (desc_status(&e1000.rx[e1000.rx_next].status) & RXD_DD) != 0;
}

/* Take the frames the card has put in the ring, one at a time, and give
 * each descriptor back at once. */
static void e1000_rx_drain(void)
{
	while (rx_ready()) {
		__asm__ volatile("" ::: "memory"); /* status read before the rest */
		struct e1000_rx_desc *d = &e1000.rx[e1000.rx_next];
		unsigned len = d->length;
		int good = (d->status & RXD_EOP) && d->errors == 0 && len <= BUF_SIZE;
		if (good)
			memcpy(e1000.frame, e1000.rx_buf + e1000.rx_next * BUF_SIZE, len);
		d->status = 0;
		__asm__ volatile("" ::: "memory"); /* the descriptor before the tail */
		e1000_write(E1000_RDT, e1000.rx_next);
		e1000.rx_next = (e1000.rx_next + 1) % RX_COUNT;
		if (!good) {
			e1000.rx_errors++;
			continue;
		}
		e1000.rx_frames++;
		net_input(&e1000.nif, e1000.frame, len);
	}
}

static void e1000_rx_thread(void *arg)
{
	(void)arg;
	for (;;) {
		e1000_rx_drain();
		int s = cpu_intr_save();
		cpu_intr_disable();
		if (!rx_ready())
			thread_sleep(&e1000.rx_next, 0, RX_POLL_TICKS);
		cpu_intr_restore(s);
	}
}

static io_return_t e1000_dev_write(struct device *dev, dev_mode_t mode, recnum_t recnum, const void *buf, size_t len,
				   size_t *done)
{
	(void)dev;
	(void)mode;
	(void)recnum;
	if (len < ETHER_HDR_LEN || len > ETHER_HDR_LEN + ETHER_MTU)
		return D_INVALID_SIZE;
	struct e1000_tx_desc *d = &e1000.tx[e1000.tx_next];
	/* QEMU sends a frame as soon as the tail moves; a real card soon
	 * after.  Wait a bounded time for the descriptor to come back. */
	for (unsigned i = 0; !(desc_status(&d->status) & TXD_DD); i++)
		if (i == TX_WAIT_SPINS)
			return D_IO_ERROR;
	uint8_t *b = e1000.tx_buf + e1000.tx_next * BUF_SIZE;
	memcpy(b, buf, len);
	d->addr = e1000.tx_buf_pa + e1000.tx_next * BUF_SIZE;
	d->length = len;
	d->cso = 0;
	d->css = 0;
	d->special = 0;
	d->status = 0;
	d->cmd = TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS;
	e1000.tx_next = (e1000.tx_next + 1) % TX_COUNT;
	__asm__ volatile("" ::: "memory"); /* the descriptor before the tail */
	e1000_write(E1000_TDT, e1000.tx_next);
	e1000.tx_frames++;
	*done = len;
	return D_SUCCESS;
}

static io_return_t e1000_get_status(struct device *dev, dev_flavor_t flavor, int *status,
				    mach_msg_type_number_t *count)
{
	(void)dev;
	switch (flavor) {
	case NET_STATUS: {
		if (*count < NET_STATUS_COUNT)
			return D_INVALID_OPERATION;
		struct net_status ns = {
			.min_packet_size = ETHER_HDR_LEN,
			.max_packet_size = ETHER_HDR_LEN + ETHER_MTU,
			.header_format = HDR_ETHERNET,
			.header_size = ETHER_HDR_LEN,
			.address_size = ETHER_ADDR_LEN,
			.flags = IFF_UP | IFF_BROADCAST | IFF_RUNNING,
			.mapped_size = 0,
		};
		memcpy(status, &ns, sizeof(ns));
		*count = NET_STATUS_COUNT;
		return D_SUCCESS;
	}
	case NET_ADDRESS: {
		/* The bytes in order, each int then turned to network order
		 * (htonl), as GNU Mach answers. */
		unsigned words = (ETHER_ADDR_LEN + 3) / 4;
		if (*count < words)
			return D_INVALID_OPERATION;
		uint8_t bytes[8] = {0};
		memcpy(bytes, e1000.mac, ETHER_ADDR_LEN);
		for (unsigned i = 0; i < words; i++) {
			uint32_t w;
			memcpy(&w, bytes + 4 * i, 4);
			status[i] = (int)__builtin_bswap32(w);
		}
		*count = words;
		return D_SUCCESS;
	}
	}
	return D_INVALID_OPERATION;
}

static io_return_t e1000_set_filter(struct device *dev, struct ipc_port *port, int priority, const filter_t *filter,
				    unsigned count)
{
	(void)dev;
	return net_set_filter(&e1000.nif, port, priority, filter, count);
}

static const struct dev_ops e1000_ops = {
	.write = e1000_dev_write,
	.get_status = e1000_get_status,
	.set_filter = e1000_set_filter,
};

static struct device e1000_dev = {.name = "eth0", .ops = &e1000_ops, .record_size = 1};

static uint16_t e1000_eeprom_read(unsigned word)
{
	e1000_write(E1000_EERD, EERD_START | word << 8);
	for (unsigned i = 0; i < 100000; i++) {
		uint32_t v = e1000_read(E1000_EERD);
		if (v & EERD_DONE)
			return v >> 16;
	}
	return 0xffff;
}

static void e1000_read_mac(void)
{
	uint32_t lo = e1000_read(E1000_RAL0), hi = e1000_read(E1000_RAH0);
	if (hi & RAH_AV) {
		for (unsigned i = 0; i < 4; i++)
			e1000.mac[i] = lo >> (8 * i);
		e1000.mac[4] = hi;
		e1000.mac[5] = hi >> 8;
		return;
	}
	for (unsigned i = 0; i < 3; i++) {
		uint16_t w = e1000_eeprom_read(i);
		e1000.mac[2 * i] = w;
		e1000.mac[2 * i + 1] = w >> 8;
	}
	e1000_write(E1000_RAL0, e1000.mac[0] | e1000.mac[1] << 8 | e1000.mac[2] << 16 | (uint32_t)e1000.mac[3] << 24);
	e1000_write(E1000_RAH0, e1000.mac[4] | e1000.mac[5] << 8 | RAH_AV);
}

/* Rings and buffers; 0, or -1 if memory is short. */
static int e1000_alloc_rings(void)
{
	struct vm_page *ring = vm_page_alloc(0), *rxb = vm_page_alloc(RX_BUF_ORDER), *txb = vm_page_alloc(TX_BUF_ORDER);
	if (ring == NULL || rxb == NULL || txb == NULL) {
		if (ring)
			vm_page_free(ring, 0);
		if (rxb)
			vm_page_free(rxb, RX_BUF_ORDER);
		if (txb)
			vm_page_free(txb, TX_BUF_ORDER);
		return -1;
	}
	uint8_t *r = vm_page_kva(ring);
	memset(r, 0, PAGE_SIZE);
	e1000.rx = (struct e1000_rx_desc *)r;
	e1000.tx = (struct e1000_tx_desc *)(r + PAGE_SIZE / 2);
	e1000.rx_buf_pa = vm_page_to_phys(rxb);
	e1000.tx_buf_pa = vm_page_to_phys(txb);
	e1000.rx_buf = vm_page_kva(rxb);
	e1000.tx_buf = vm_page_kva(txb);
	for (unsigned i = 0; i < RX_COUNT; i++)
		e1000.rx[i].addr = e1000.rx_buf_pa + i * BUF_SIZE;
	for (unsigned i = 0; i < TX_COUNT; i++)
		e1000.tx[i].status = TXD_DD; /* free */
	return 0;
}

void net_device_init(void)
{
	_Static_assert(RX_COUNT * sizeof(struct e1000_rx_desc) <= PAGE_SIZE / 2, "rx ring fits");
	_Static_assert(TX_COUNT * sizeof(struct e1000_tx_desc) <= PAGE_SIZE / 2, "tx ring fits");
	_Static_assert((PAGE_SIZE << RX_BUF_ORDER) >= RX_COUNT * BUF_SIZE, "rx buffers fit");
	_Static_assert((PAGE_SIZE << TX_BUF_ORDER) >= TX_COUNT * BUF_SIZE, "tx buffers fit");

	if (pci_find(E1000_VENDOR, E1000_82540EM, &e1000.pci) != 0)
		return;
	uint32_t bar = pci_config_read32(&e1000.pci, PCI_BAR0);
	if ((bar & PCI_BAR_IO) ||
	    ((bar & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_64 && pci_config_read32(&e1000.pci, PCI_BAR0 + 4) != 0)) {
		printf("eth0: e1000 BAR0 is not 32-bit memory, ignored\n");
		return;
	}
	e1000.irq = pci_config_read8(&e1000.pci, PCI_INTERRUPT_LINE);
	e1000.regs = pmap_map_mmio(bar & PCI_BAR_MEM_MASK, E1000_MMIO_SIZE);
	if (e1000.regs == NULL || e1000_alloc_rings() != 0) {
		printf("eth0: e1000 not started: no room for its registers or rings\n");
		return;
	}
	pci_config_write16(&e1000.pci, PCI_COMMAND,
			   pci_config_read16(&e1000.pci, PCI_COMMAND) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

	/* Reset, then set the link up; no interrupts until the rings are in. */
	e1000_write(E1000_IMC, 0xffffffffu);
	e1000_write(E1000_CTRL, e1000_read(E1000_CTRL) | CTRL_RST);
	for (unsigned i = 0; i < 100000 && (e1000_read(E1000_CTRL) & CTRL_RST); i++)
		continue;
	e1000_write(E1000_IMC, 0xffffffffu);
	e1000_write(E1000_CTRL, e1000_read(E1000_CTRL) | CTRL_SLU | CTRL_ASDE);
	(void)e1000_read(E1000_ICR);
	e1000_read_mac();
	for (unsigned i = 0; i < 128; i++)
		e1000_write(E1000_MTA + 4 * i, 0);

	phys_addr_t ring_pa = kvtophys(e1000.rx);
	e1000_write(E1000_RDBAL, ring_pa);
	e1000_write(E1000_RDBAH, 0);
	e1000_write(E1000_RDLEN, RX_COUNT * sizeof(struct e1000_rx_desc));
	e1000_write(E1000_RDH, 0);
	e1000_write(E1000_RDT, RX_COUNT - 1); /* one descriptor always left empty */
	e1000_write(E1000_RCTL, RCTL_EN | RCTL_BAM | RCTL_BSIZE_2048 | RCTL_SECRC);

	e1000_write(E1000_TDBAL, ring_pa + PAGE_SIZE / 2);
	e1000_write(E1000_TDBAH, 0);
	e1000_write(E1000_TDLEN, TX_COUNT * sizeof(struct e1000_tx_desc));
	e1000_write(E1000_TDH, 0);
	e1000_write(E1000_TDT, 0);
	e1000_write(E1000_TIPG, TIPG_DEFAULT);
	e1000_write(E1000_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);

	if (device_register(&e1000_dev) != KERN_SUCCESS) {
		printf("eth0: cannot register\n");
		return;
	}
	if (kernel_thread(kernel_task, "e1000 rx", e1000_rx_thread, NULL, BASEPRI_KERNEL) == NULL)
		printf("eth0: no receive thread\n");
	if (e1000.irq < T_IRQ_COUNT) {
		irq_register(e1000.irq, e1000_intr);
		e1000_write(E1000_IMS, ICR_RXT0 | ICR_RXO | ICR_RXDMT0 | ICR_LSC);
	}
	printf("eth0: e1000 at pci %u:%u.%u, irq %u, mac %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", e1000.pci.bus,
	       e1000.pci.slot, e1000.pci.func, e1000.irq, e1000.mac[0], e1000.mac[1], e1000.mac[2], e1000.mac[3],
	       e1000.mac[4], e1000.mac[5], (e1000_read(E1000_STATUS) & STATUS_LU) ? "up" : "down");
}
