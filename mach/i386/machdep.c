/* Leaving the machine. */
#include <i386/cpu.h>
#include <kern/machine.h>

#define DEBUG_EXIT_PORT 0xf4
/* ACPI PM1a control on QEMU's PIIX4 as SeaBIOS sets it up: SLP_EN | S5. */
#define QEMU_ACPI_PM1A_CNT 0x604
#define ACPI_SLP_S5 0x2000

void machine_halt(unsigned status)
{
	cpu_intr_disable();
	outl(DEBUG_EXIT_PORT, status);
	outw(QEMU_ACPI_PM1A_CNT, ACPI_SLP_S5);
	for (;;)
		__asm__ volatile("cli; hlt");
}
