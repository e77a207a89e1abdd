/* PCI configuration space, mechanism #1 (see pci.h). */
#include <i386/cpu.h>
#include <device/pci.h>

static uint32_t pci_address(unsigned bus, unsigned slot, unsigned func, unsigned offset)
{
	return 0x80000000u | bus << 16 | slot << 11 | func << 8 | (offset & 0xfc);
}

static uint32_t pci_read(unsigned bus, unsigned slot, unsigned func, unsigned offset)
{
	/* The address and data ports are one transaction: no interrupt
	 * handler may come in between and move the address. */
	int s = cpu_intr_save();
	cpu_intr_disable();
	outl(PCI_CONFIG_ADDRESS, pci_address(bus, slot, func, offset));
	uint32_t v = inl(PCI_CONFIG_DATA);
	cpu_intr_restore(s);
	return v;
}

uint32_t pci_config_read32(const struct pci_dev *d, unsigned offset)
{
	return pci_read(d->bus, d->slot, d->func, offset);
}

uint16_t pci_config_read16(const struct pci_dev *d, unsigned offset)
{
	return pci_config_read32(d, offset) >> ((offset & 2) * 8);
}

uint8_t pci_config_read8(const struct pci_dev *d, unsigned offset)
{
	return pci_config_read32(d, offset) >> ((offset & 3) * 8);
}

void pci_config_write32(const struct pci_dev *d, unsigned offset, uint32_t value)
{
	int s = cpu_intr_save();
	cpu_intr_disable();
	outl(PCI_CONFIG_ADDRESS, pci_address(d->bus, d->slot, d->func, offset));
	outl(PCI_CONFIG_DATA, value);
	cpu_intr_restore(s);
}

void pci_config_write16(const struct pci_dev *d, unsigned offset, uint16_t value)
{
	unsigned shift = (offset & 2) * 8;
	uint32_t w = pci_config_read32(d, offset);
	w = (w & ~(0xffffu << shift)) | (uint32_t)value << shift;
	pci_config_write32(d, offset, w);
}

int pci_find(uint16_t vendor, uint16_t device, struct pci_dev *out)
{
	for (unsigned bus = 0; bus < 256; bus++)
		for (unsigned slot = 0; slot < 32; slot++) {
			unsigned nfunc = 1;
			for (unsigned func = 0; func < nfunc; func++) {
				uint32_t id = pci_read(bus, slot, func, PCI_VENDOR_ID);
				if ((id & 0xffff) == PCI_VENDOR_NONE)
					continue;
				/* Bit 7 of the header type: a multi-function device. */
				if (func == 0 && (pci_read(bus, slot, 0, PCI_HEADER_TYPE & ~3u) >> 16 & 0x80))
					nfunc = 8;
				if ((id & 0xffff) == vendor && id >> 16 == device) {
					out->bus = bus;
					out->slot = slot;
					out->func = func;
					out->vendor = vendor;
					out->device = device;
					out->class_rev = pci_read(bus, slot, func, PCI_CLASS_REVISION);
					return 0;
				}
			}
		}
	return -1;
}
