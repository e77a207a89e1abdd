/*
 * PCI configuration space through configuration mechanism #1 (the
 * address port 0xCF8, the data port 0xCFC), and a scan of bus 0.. for
 * the functions present.  Drivers find their card with pci_find.
 */
#ifndef DEVICE_PCI_H
#define DEVICE_PCI_H
#include <stdint.h>

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc

/* Configuration header (type 0) offsets and bits. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_CLASS_REVISION 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_BAR_IO 0x1
#define PCI_BAR_MEM_MASK 0xfffffff0u
#define PCI_BAR_MEM_TYPE 0x6 /* 0: 32-bit, 4: 64-bit (the next BAR holds the high half) */
#define PCI_BAR_MEM_64 0x4
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_VENDOR_NONE 0xffff

struct pci_dev {
	uint8_t bus, slot, func;
	uint16_t vendor, device;
	uint32_t class_rev; /* class, subclass, prog-if, revision */
};

uint32_t pci_config_read32(const struct pci_dev *d, unsigned offset);
uint16_t pci_config_read16(const struct pci_dev *d, unsigned offset);
uint8_t pci_config_read8(const struct pci_dev *d, unsigned offset);
void pci_config_write32(const struct pci_dev *d, unsigned offset, uint32_t value);
void pci_config_write16(const struct pci_dev *d, unsigned offset, uint16_t value);

/* The first function with this vendor and device id (scanning buses
 * 0..255 in order); 0 if found, -1 if not. */
int pci_find(uint16_t vendor, uint16_t device, struct pci_dev *out);
#endif
