/*
 * The server side of the interoperability test: one implementation of
 * interop.defs, compiled once per server stub set (SP is the -prefix the
 * server stubs were generated with; SHEADER their server header, which
 * declares what this file must define, so the compiler checks that both
 * generators agree on the C interface).
 */
#include <string.h>
#include "interop_types.h"
#include "interop_shim.h"
#include SHEADER

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define IMPL(name) CAT(SP, name)

int CAT(SP, last_x);
char CAT(SP, last_s)[128];

kern_return_t IMPL(i_simple)(mach_port_t server, int a, int *b, natural_t *c,
			     boolean_t d, int64_t e)
{
	if (server != 5)
		return KERN_INVALID_ARGUMENT;
	*b = a * 2 + (d ? 1 : 0) + (int)(e >> 32);
	*c += 1;
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_arrays)(mach_port_t server, const int *a,
			     mach_msg_type_number_t aCnt, const int *b, int *c,
			     mach_msg_type_number_t *cCnt, int *d, st_t s, st_t *t)
{
	(void)server;
	if (*cCnt < aCnt)
		return KERN_FAILURE;
	for (unsigned i = 0; i < aCnt; i++)
		c[i] = a[aCnt - 1 - i];
	*cCnt = aCnt;
	for (int i = 0; i < 4; i++)
		d[i] = b[i] * 10;
	t->x = s.z;
	t->y = s.y;
	t->z = s.x;
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_two)(mach_port_t server, const char *a,
			  mach_msg_type_number_t aCnt, const int *b,
			  mach_msg_type_number_t bCnt, int c, char *d,
			  mach_msg_type_number_t *dCnt, int *e, int *f,
			  mach_msg_type_number_t *fCnt, int *g)
{
	(void)server;
	for (unsigned i = 0; i < aCnt; i++)
		d[i] = (char)(a[i] + 1);
	*dCnt = aCnt;
	*e = c + (int)aCnt;
	for (unsigned i = 0; i < bCnt; i++)
		f[i] = b[i] * 2;
	*fCnt = bCnt;
	*g = (int)bCnt;
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_strings)(mach_port_t server, const char *s, const char *v,
			      int n, char *t, char *w, int *m)
{
	(void)server;
	size_t ls = strlen(s), lv = strlen(v);
	strcpy(t, "T:");
	strncat(t, s, 60);
	for (size_t i = 0; i < lv; i++)
		w[i] = v[lv - 1 - i];
	w[lv] = 0;
	*m = (int)(ls + lv) + n;
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_ool)(mach_port_t server, vm_offset_t d,
			  mach_msg_type_number_t dCnt, vm_offset_t *e,
			  mach_msg_type_number_t *eCnt)
{
	(void)server;
	unsigned char *in = (unsigned char *)d, *out = shim_alloc(dCnt);
	for (unsigned i = 0; i < dCnt; i++)
		out[i] = (unsigned char)(in[i] + 1);
	shim_free(in);
	*e = (vm_offset_t)out;
	*eCnt = dCnt;
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_indef)(mach_port_t server, const int *a,
			    mach_msg_type_number_t aCnt, int **b,
			    mach_msg_type_number_t *bCnt)
{
	(void)server;
	if (aCnt > *bCnt)
		*b = shim_alloc(aCnt * sizeof(int));
	for (unsigned i = 0; i < aCnt; i++)
		(*b)[i] = a[i] + 1;
	*bCnt = aCnt;
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_ports)(mach_port_t server, mach_port_t p,
			    mach_port_name_t n, const mach_port_t *pa,
			    mach_msg_type_number_t paCnt, mach_port_t *q,
			    mach_port_name_t *m, mach_port_name_t **na,
			    mach_msg_type_number_t *naCnt)
{
	(void)server;
	*q = p + 1;
	*m = n + 1;
	if (paCnt > *naCnt)
		*na = shim_alloc(paCnt * sizeof(mach_port_name_t));
	for (unsigned i = 0; i < paCnt; i++)
		(*na)[i] = pa[paCnt - 1 - i];
	*naCnt = paCnt;
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_poly)(mach_port_t server, mach_port_t p,
			   mach_msg_type_name_t pPoly, mach_port_t *q,
			   mach_msg_type_name_t *qPoly)
{
	(void)server;
	*q = p + 1;
	*qPoly = pPoly == MACH_MSG_TYPE_PORT_SEND ? MACH_MSG_TYPE_MOVE_SEND : pPoly;
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_send)(mach_port_t server, int x, const char *s)
{
	(void)server;
	CAT(SP, last_x) = x;
	strncpy(CAT(SP, last_s), s, sizeof CAT(SP, last_s) - 1);
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_seqno)(mach_port_t server, mach_port_seqno_t seq, int *r)
{
	(void)server;
	*r = (int)seq;
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_countinout)(mach_port_t server, int *a,
				 mach_msg_type_number_t *aCnt)
{
	(void)server;
	for (unsigned i = 0; i < *aCnt; i++)
		a[i] = (int)(i * i);
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_fail)(mach_port_t server, int code)
{
	(void)server;
	return code;
}

kern_return_t IMPL(i_big)(mach_port_t server, const char *a,
			  mach_msg_type_number_t aCnt, char *b,
			  mach_msg_type_number_t *bCnt)
{
	(void)server;
	for (unsigned i = 0; i < aCnt; i++)
		b[i] = (char)(a[i] ^ 0x55);
	*bCnt = aCnt;
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_small)(mach_port_t server, short a, char c, short *b,
			    char *d)
{
	(void)server;
	*b = (short)(a * 3);
	*d = (char)(c + 1);
	return KERN_SUCCESS;
}

/* Which translation each object came through, and from what. */
kern_return_t IMPL(i_payload)(interop_obj_t server, interop_obj_t other, int x,
			      int *r)
{
	if (x != 7)
		return KERN_INVALID_ARGUMENT;
	*r = (int)((unsigned)server->via_payload << 30 | server->value << 16 |
		   (unsigned)other->via_payload << 15 | other->value);
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_payport)(mach_port_t server, mach_port_t other, int *r)
{
	*r = (int)(server * 100 + other);
	return KERN_SUCCESS;
}

kern_return_t IMPL(i_inout)(mach_port_t server, fixed_t f, st_t *s, name_t n,
			    vm_offset_t *d, mach_msg_type_number_t *dCnt,
			    mach_port_t *p)
{
	(void)server;
	for (int i = 0; i < 4; i++)
		f[i] += 1;
	s->x *= 2;
	s->y *= 3;
	s->z *= 4;
	strncat(n, "+out", 63 - strlen(n));
	unsigned char *in = (unsigned char *)*d, *out = shim_alloc(*dCnt + 1);
	for (unsigned i = 0; i < *dCnt; i++)
		out[i] = (unsigned char)(in[i] + 1);
	out[*dCnt] = 0xee;
	shim_free(in);
	*d = (vm_offset_t)out;
	*dCnt += 1;
	*p += 1;
	return KERN_SUCCESS;
}
