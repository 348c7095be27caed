/* message.c — constructor, destructor and small helpers of CkMessage. */
#include "ingest/message.h"

/* See message.h. */
CkMessage *ck_message_new(void)
{
    CkMessage *msg = g_new0(CkMessage, 1);
    msg->references = g_ptr_array_new_with_free_func(g_free);
    msg->warnings = g_ptr_array_new_with_free_func(g_free);
    msg->attachments = g_ptr_array_new_with_free_func((GDestroyNotify) ck_attachment_free);
    msg->subject = g_strdup("");
    msg->from_name = g_strdup("");
    msg->from_addr = g_strdup("");
    msg->to = g_strdup("");
    msg->body = g_strdup("");
    msg->quoted = g_strdup("");
    msg->signature = g_strdup("");
    msg->forwarded = g_strdup("");
    msg->source_path = g_strdup("");
    return msg;
}

/* See message.h. */
void ck_message_free(CkMessage *msg)
{
    if (!msg)
        return;
    g_free(msg->message_id);
    g_free(msg->in_reply_to);
    g_ptr_array_unref(msg->references);
    g_free(msg->subject);
    g_free(msg->from_name);
    g_free(msg->from_addr);
    g_free(msg->to);
    g_free(msg->body);
    g_free(msg->quoted);
    g_free(msg->signature);
    g_free(msg->forwarded);
    g_free(msg->source_path);
    g_ptr_array_unref(msg->warnings);
    g_ptr_array_unref(msg->attachments);
    g_free(msg);
}

/* See message.h. */
void ck_message_warn(CkMessage *msg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(msg->warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/* See message.h. */
char *ck_time_iso(gint64 t)
{
    if (t == 0)
        return g_strdup("");
    GDateTime *dt = g_date_time_new_from_unix_utc(t);
    if (!dt)
        return g_strdup("");
    char *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref(dt);
    return s;
}

/* See message.h. */
char *ck_message_date_iso(const CkMessage *msg)
{
    return ck_time_iso(msg->date);
}

/* See message.h. */
CkAttachment *ck_attachment_new(const char *name, const char *type, gint64 size, const char *text)
{
    CkAttachment *att = g_new0(CkAttachment, 1);
    att->name = g_strdup(name ? name : "");
    att->type = g_strdup(type ? type : "");
    att->size = size;
    att->text = g_strdup(text ? text : "");
    return att;
}

/* See message.h. */
void ck_attachment_free(CkAttachment *att)
{
    if (!att)
        return;
    g_free(att->name);
    g_free(att->type);
    g_free(att->text);
    g_free(att);
}

/* See message.h. */
char *ck_message_attachment_text(const CkMessage *msg)
{
    GString *all = g_string_new(NULL);
    for (guint i = 0; i < msg->attachments->len; i++) {
        const CkAttachment *att = g_ptr_array_index(msg->attachments, i);
        if (*att->text)
            g_string_append_printf(all, "%s\n", att->text);
    }
    return g_string_free(all, FALSE);
}
