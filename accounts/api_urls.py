from django.urls import path

from accounts import api, api_auth

urlpatterns = [
    path("auth/token", api_auth.TokenView.as_view(), name="api-auth-token"),
    path("auth/refresh", api_auth.RefreshView.as_view(), name="api-auth-refresh"),
    path("auth/logout", api_auth.LogoutView.as_view(), name="api-auth-logout"),
    path("me", api.MeView.as_view(), name="api-me"),
]
