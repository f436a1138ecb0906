/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-broadcast-channel.h"
#include "ub-channels-control.h"
#include "ub-pipeline.h"

/*
 * The Channels page's end of the pipeline's control channel: it posts
 * pause, resume and cancel on the broadcast channel, collects the
 * workers' acknowledgements, and says in one line who answered, that
 * nobody is there to answer, or that nobody answered in time. A worker
 * that starts listening after a pause missed it: on its "ready" the pause
 * is sent again. Main thread only; "changed" is emitted when the line
 * changes.
 */

#define ACK_TIMEOUT_MS 2000

static const char *roles[] = { "decoder", "scaler", "single" };

struct _UbChannelsControl
{
  GObject             parent_instance;

  char               *name;        /* (owned) the channel's name */
  UbBroadcastChannel *channel;     /* (owned) (nullable) made on the first send */
  char               *acks[G_N_ELEMENTS (roles)]; /* (owned) (nullable) per role */
  char               *sent;        /* (owned) (nullable) the last command */
  char               *text;        /* (owned) the line shown */
  guint               timeout_id;  /* waiting for acknowledgements */
  gboolean            expect_acks; /* a worker should answer the last command */
  gboolean            paused;      /* the last of pause and resume was pause */
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbChannelsControl, ub_channels_control, G_TYPE_OBJECT)

static void
update_text (UbChannelsControl *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (self->acks[i] != NULL)
      g_string_append_printf (names, "%s%s (%s)", names->len > 0 ? ", " : "",
                              roles[i], self->acks[i]);

  if (self->sent == NULL)
    g_string_printf (text, _("Control channel “%s”: no command sent yet."), self->name);
  else
    {
      g_string_printf (text, _("Sent “%s” on the control channel “%s”. "), self->sent, self->name);
      if (names->len > 0)
        g_string_append_printf (text, _("Acknowledged by: %s."), names->str);
      else if (!self->expect_acks)
        g_string_append (text, _("No pipeline worker is running to receive it."));
      else if (self->timeout_id != 0)
        g_string_append (text, _("Waiting for the workers to acknowledge…"));
      else
        g_string_append_printf (text, _("No worker acknowledged it within %u s."),
                                ACK_TIMEOUT_MS / 1000);
    }

  if (g_strcmp0 (self->text, text->str) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text->str);
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
timeout_cb (gpointer user_data)
{
  UbChannelsControl *self = user_data;

  self->timeout_id = 0;
  update_text (self);
  return G_SOURCE_REMOVE;
}

static void
on_message (UbBroadcastChannel *channel,
            UbMessage          *message,
            UbChannelsControl  *self)
{
  const char *role, *command;

  if (!ub_pipeline_ack_parse (message, &role, &command))
    return;

  /* A worker that started listening after the last pause missed it. */
  if (g_str_equal (command, "ready"))
    {
      if (self->paused)
        ub_channels_control_send (self, UB_PIPELINE_PAUSE, "pause", NULL, TRUE, NULL);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_str_equal (role, roles[i]))
      {
        g_free (self->acks[i]);
        self->acks[i] = g_strdup (command);
        update_text (self);
      }
}

static void
ub_channels_control_dispose (GObject *object)
{
  ub_channels_control_close (UB_CHANNELS_CONTROL (object));

  G_OBJECT_CLASS (ub_channels_control_parent_class)->dispose (object);
}

static void
ub_channels_control_finalize (GObject *object)
{
  UbChannelsControl *self = UB_CHANNELS_CONTROL (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->acks); i++)
    g_free (self->acks[i]);
  g_free (self->sent);
  g_free (self->text);
  g_free (self->name);

  G_OBJECT_CLASS (ub_channels_control_parent_class)->finalize (object);
}

static void
ub_channels_control_class_init (UbChannelsControlClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_channels_control_dispose;
  object_class->finalize = ub_channels_control_finalize;

  /**
   * UbChannelsControl::changed:
   *
   * The acknowledgement line changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ub_channels_control_init (UbChannelsControl *self)
{
}

/**
 * ub_channels_control_new:
 * @channel_name: the broadcast channel the pipeline workers listen on
 *
 * Returns: (transfer full): a control that has sent nothing yet
 */
UbChannelsControl *
ub_channels_control_new (const char *channel_name)
{
  UbChannelsControl *self = g_object_new (UB_TYPE_CHANNELS_CONTROL, NULL);

  self->name = g_strdup (channel_name);
  update_text (self);
  return self;
}

/**
 * ub_channels_control_send:
 * @kind: the message kind, e.g. %UB_PIPELINE_PAUSE
 * @command: what the workers acknowledge it as: "pause", "resume", "cancel"
 * @body: (nullable) (transfer floating): its body
 * @expect_acks: whether a worker is there to answer
 *
 * Broadcasts a command and forgets the acknowledgements of the last one.
 *
 * Returns: whether it was posted
 */
gboolean
ub_channels_control_send (UbChannelsControl  *self,
                          const char         *kind,
                          const char         *command,
                          GVariant           *body,
                          gboolean            expect_acks,
                          GError            **error)
{
  gboolean posted;

  g_return_val_if_fail (UB_IS_CHANNELS_CONTROL (self), FALSE);

  if (self->channel == NULL)
    {
      self->channel = ub_broadcast_channel_new (self->name);
      g_signal_connect (self->channel, "message", G_CALLBACK (on_message), self);
    }

  for (guint i = 0; i < G_N_ELEMENTS (self->acks); i++)
    g_clear_pointer (&self->acks[i], g_free);
  g_free (self->sent);
  self->sent = g_strdup (command);
  self->expect_acks = expect_acks;
  if (g_str_equal (command, "pause") || g_str_equal (command, "resume"))
    self->paused = g_str_equal (command, "pause");

  posted = ub_broadcast_channel_post (self->channel, kind, body, error);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (posted && expect_acks)
    self->timeout_id = g_timeout_add (ACK_TIMEOUT_MS, timeout_cb, self);
  update_text (self);
  return posted;
}

/**
 * ub_channels_control_get_text:
 *
 * Returns: (transfer none): who acknowledged the last command, or why
 *   nobody has
 */
const char *
ub_channels_control_get_text (UbChannelsControl *self)
{
  g_return_val_if_fail (UB_IS_CHANNELS_CONTROL (self), NULL);

  return self->text;
}

/**
 * ub_channels_control_close:
 *
 * Stops listening; nothing more is emitted.
 */
void
ub_channels_control_close (UbChannelsControl *self)
{
  g_return_if_fail (UB_IS_CHANNELS_CONTROL (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->channel != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->channel, self);
      ub_broadcast_channel_close (self->channel);
      g_clear_object (&self->channel);
    }
}
