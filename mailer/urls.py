app_name = "mailer"
urlpatterns = []
