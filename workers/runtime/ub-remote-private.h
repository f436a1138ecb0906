/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* UbRemote's internals, for the worker that owns both ends of a call. Not
 * installed; not part of the public API. */

#include "ub-message-private.h"
#include "ub-remote.h"

G_BEGIN_DECLS

/* The link is shared by the owner's UbRemote and the worker's scope: it
 * maps call ids to the worker-side cancellable of each call still
 * pending, so that the owner can cancel a call that is running on the
 * worker thread. */
typedef struct _UbRemoteLink UbRemoteLink;
typedef struct _UbRemoteServer UbRemoteServer;

UbRemoteLink   *_ub_remote_link_new        (void);
UbRemoteLink   *_ub_remote_link_ref        (UbRemoteLink   *link);
void            _ub_remote_link_unref      (UbRemoteLink   *link);
void            _ub_remote_link_cancel_all (UbRemoteLink   *link);

UbRemote       *_ub_remote_new             (UbPort         *owner_port,
                                            UbRemoteLink   *link);
gboolean        _ub_remote_handle_message  (UbRemote       *self,
                                            UbMessage      *message);
void            _ub_remote_fail_all        (UbRemote       *self,
                                            const GError   *error);

UbRemoteServer *_ub_remote_server_new      (UbRemoteLink   *link,
                                            UbWorkerScope  *scope);
void            _ub_remote_server_free     (UbRemoteServer *server);
void            _ub_remote_server_add      (UbRemoteServer *server,
                                            const char     *method,
                                            UbRemoteMethod  func,
                                            gpointer        user_data,
                                            GDestroyNotify  destroy);
gboolean        _ub_remote_server_handle   (UbRemoteServer *server,
                                            UbPort         *port,
                                            UbMessage      *message);

G_END_DECLS
