from django.urls import path

from accounts import passkeys, views

app_name = "accounts"

urlpatterns = [
    path("settings/members/", views.members, name="members"),
    path("settings/members/<pid:public_id>/role", views.member_role, name="member_role"),
    path("settings/members/<pid:public_id>/deactivate", views.member_deactivate, name="member_deactivate"),
    path("settings/members/<pid:public_id>/reactivate", views.member_reactivate, name="member_reactivate"),
    path("settings/invitations/<pid:public_id>/revoke", views.invitation_revoke, name="invitation_revoke"),
    path("settings/api-keys/", views.api_keys, name="api_keys"),
    path("settings/api-keys/<pid:public_id>/revoke", views.api_key_revoke, name="api_key_revoke"),
    path("settings/dpa/", views.dpa, name="dpa"),
    path("settings/audit/", views.audit_trail, name="audit"),
    path("settings/security/", views.security, name="security"),
    path("profile/", views.profile, name="profile"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]

legal_urlpatterns = (
    [
        path("dpa/", views.legal_dpa, name="dpa"),
        path("subprocessors/", views.legal_subprocessors, name="subprocessors"),
    ],
    "legal",
)

# allauth's views that take rate limits (SEC-RL) or name a passkey (ORG-6); these paths come before allauth's own in
# the URL configuration.
allauth_overrides = [
    path("accounts/login/", views.login, name="account_login"),
    path("accounts/signup/", views.signup, name="account_signup"),
    path("accounts/password/reset/", views.password_reset, name="account_reset_password"),
    path("accounts/email/", views.email, name="account_email"),
    # A passkey by its opaque reference, not allauth's keys/<int:pk>/ (ORG-6): allauth's own routes resolve here, 404.
    path("accounts/2fa/webauthn/", passkeys.list_passkeys, name="mfa_list_webauthn"),
    path("accounts/2fa/webauthn/keys/<str:ref>/edit/", passkeys.edit_passkey, name="mfa_edit_webauthn"),
    path("accounts/2fa/webauthn/keys/<str:ref>/remove/", passkeys.remove_passkey, name="mfa_remove_webauthn"),
]
