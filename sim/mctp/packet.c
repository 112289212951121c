/*
 * MCTP packets: header coding, fragmentation and reassembly (sim/mctp/packet.h;
 * DSP0236 1.3 §8.3 and §8.8).
 */
#include "sim/mctp/packet.h"

#include <string.h>

#include "sim/core/diag.h"

void pcisim_mctp_hdr_encode(const struct pcisim_mctp_hdr *h, uint8_t out[PCISIM_MCTP_HDR_SIZE])
{
	out[0] = h->version & 0x0f;
	out[1] = h->dest;
	out[2] = h->src;
	out[3] = (uint8_t)((h->som ? PCISIM_MCTP_HDR_SOM : 0) | (h->eom ? PCISIM_MCTP_HDR_EOM : 0) |
			   (h->seq & 3) << 4 | (h->to ? PCISIM_MCTP_HDR_TO : 0) |
			   (h->tag & PCISIM_MCTP_HDR_TAG));
}

int pcisim_mctp_hdr_decode(const uint8_t in[PCISIM_MCTP_HDR_SIZE], struct pcisim_mctp_hdr *h)
{
	h->version = in[0] & 0x0f;
	h->dest = in[1];
	h->src = in[2];
	h->som = (in[3] & PCISIM_MCTP_HDR_SOM) != 0;
	h->eom = (in[3] & PCISIM_MCTP_HDR_EOM) != 0;
	h->seq = (in[3] & PCISIM_MCTP_HDR_SEQ) >> 4;
	h->to = (in[3] & PCISIM_MCTP_HDR_TO) != 0;
	h->tag = in[3] & PCISIM_MCTP_HDR_TAG;
	return h->version == PCISIM_MCTP_HDR_VERSION ? 0 : -PCISIM_EINVAL;
}

size_t pcisim_mctp_npackets(size_t len, size_t mtu)
{
	return mtu ? (len + mtu - 1) / mtu : 0;
}

size_t pcisim_mctp_fragment(const uint8_t *msg, size_t len, size_t mtu,
			    const struct pcisim_mctp_hdr *tmpl, struct pcisim_mctp_pkt *out,
			    size_t max)
{
	if (!len || !mtu || mtu > PCISIM_MCTP_MAX_PAYLOAD)
		return 0;
	size_t n = pcisim_mctp_npackets(len, mtu);
	if (n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct pcisim_mctp_pkt *p = &out[i];
		size_t off = i * mtu, chunk = len - off < mtu ? len - off : mtu;
		memset(p, 0, sizeof(*p));
		p->h = *tmpl;
		p->h.som = i == 0;
		p->h.eom = i == n - 1;
		p->h.seq = (uint8_t)((tmpl->seq + i) & 3);
		p->len = (uint8_t)chunk;
		memcpy(p->data, msg + off, chunk);
	}
	return n;
}

static const char *const rx_names[] = {
	[PCISIM_MCTP_RX_MORE] = "more",
	[PCISIM_MCTP_RX_DONE] = "done",
	[PCISIM_MCTP_RX_RESTARTED] = "restarted",
	[PCISIM_MCTP_RX_DROPPED_NO_SOM] = "dropped-no-som",
	[PCISIM_MCTP_RX_DROPPED_OTHER] = "dropped-other-message",
	[PCISIM_MCTP_RX_DROPPED_SEQ] = "dropped-sequence",
	[PCISIM_MCTP_RX_DROPPED_SIZE] = "dropped-size",
};

const char *pcisim_mctp_rx_name(enum pcisim_mctp_rx r)
{
	return (unsigned)r < sizeof(rx_names) / sizeof(rx_names[0]) ? rx_names[r] : "?";
}

void pcisim_mctp_reasm_init(struct pcisim_mctp_reasm *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max < 1088 ? max : 1088;
}

enum pcisim_mctp_rx pcisim_mctp_reasm_feed(struct pcisim_mctp_reasm *r, const struct pcisim_mctp_pkt *p)
{
	enum pcisim_mctp_rx res = PCISIM_MCTP_RX_MORE;
	if (p->h.som) {
		/* DSP0236 §8.8: a new SOM ends the message in progress (it is lost) */
		if (r->active)
			res = PCISIM_MCTP_RX_RESTARTED;
		r->active = true;
		r->src = p->h.src;
		r->tag = p->h.tag;
		r->to = p->h.to;
		r->len = 0;
		r->first_len = p->len;
	} else {
		if (!r->active)
			return PCISIM_MCTP_RX_DROPPED_NO_SOM;
		if (p->h.src != r->src || p->h.tag != r->tag || p->h.to != r->to)
			return PCISIM_MCTP_RX_DROPPED_OTHER;
		if (p->h.seq != r->next_seq) {
			/* lost, duplicated or reordered: the message cannot be trusted */
			r->active = false;
			return PCISIM_MCTP_RX_DROPPED_SEQ;
		}
		/* every packet but the last carries the first one's size (DSP0236 §8.3.1) */
		if (p->len > r->first_len || (!p->h.eom && p->len != r->first_len)) {
			r->active = false;
			return PCISIM_MCTP_RX_DROPPED_SIZE;
		}
	}
	if (r->len + p->len > r->max) {
		r->active = false;
		return PCISIM_MCTP_RX_DROPPED_SIZE;
	}
	memcpy(r->buf + r->len, p->data, p->len);
	r->len += p->len;
	r->next_seq = (uint8_t)((p->h.seq + 1) & 3);
	if (p->h.eom) {
		r->active = false;
		return PCISIM_MCTP_RX_DONE;
	}
	return res;
}
