/* VGA text mode, 80x25, at physical 0xB8000: output only. */
#include <stdint.h>
#include <i386/cpu.h>
#include <i386/vga.h>
#include <i386/vm_param.h>

#define VGA_TEXT_PHYS 0xB8000
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700 /* light grey on black */
#define CRTC_INDEX 0x3D4
#define CRTC_DATA 0x3D5
#define CRTC_CURSOR_HI 0x0E
#define CRTC_CURSOR_LO 0x0F

static volatile uint16_t *vga_buf;
static unsigned vga_row, vga_col;

static void vga_move_cursor(void)
{
	unsigned pos = vga_row * VGA_COLS + vga_col;

	outb(CRTC_INDEX, CRTC_CURSOR_HI);
	outb(CRTC_DATA, pos >> 8);
	outb(CRTC_INDEX, CRTC_CURSOR_LO);
	outb(CRTC_DATA, pos & 0xff);
}

static void vga_scroll(void)
{
	for (unsigned i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		vga_buf[i] = vga_buf[i + VGA_COLS];
	for (unsigned i = 0; i < VGA_COLS; i++)
		vga_buf[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR | ' ';
	vga_row = VGA_ROWS - 1;
}

void vga_init(void)
{
	vga_buf = phystokv(VGA_TEXT_PHYS);
	for (unsigned i = 0; i < VGA_ROWS * VGA_COLS; i++)
		vga_buf[i] = VGA_ATTR | ' ';
	vga_row = vga_col = 0;
	vga_move_cursor();
}

void vga_putc(char c)
{
	if (vga_buf == 0)
		return;
	switch (c) {
	case '\n':
		vga_col = 0;
		vga_row++;
		break;
	case '\r':
		vga_col = 0;
		break;
	case '\b':
		if (vga_col > 0)
			vga_col--;
		break;
	case '\t':
		vga_col = (vga_col + 8) & ~7u;
		break;
	default:
		vga_buf[vga_row * VGA_COLS + vga_col] = VGA_ATTR | (uint8_t)c;
		vga_col++;
	}
	if (vga_col >= VGA_COLS) {
		vga_col = 0;
		vga_row++;
	}
	if (vga_row >= VGA_ROWS)
		vga_scroll();
	vga_move_cursor();
}
